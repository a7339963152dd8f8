import ArgumentParser
import Foundation

/// Writes a line to standard output at once (progress of long work must not wait in a buffer).
func emit(_ line: String) {
    FileHandle.standardOutput.write((line + "\n").data(using: .utf8)!)
}

/// A failure the user must see: one line on standard error, then a non-zero exit.
func failure(_ message: String, code: Int32 = 1) -> ExitCode {
    FileHandle.standardError.write(("error: " + message + "\n").data(using: .utf8)!)
    return ExitCode(code)
}
