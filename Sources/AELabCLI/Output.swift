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

/// "warning: …" on standard error.
func warn(_ message: String) {
    FileHandle.standardError.write("warning: \(message)\n".data(using: .utf8)!)
}

/// Why `folder` is not an experiment's results folder (missing, or a file), or nil.
func resultsFolderProblem(_ folder: String) -> String? {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
        return "\(folder): no such folder; expected an experiment's results folder (RESULTS/NAME), e.g. results/quickstart"
    }
    guard isDirectory.boolValue else {
        let hint = folder.hasSuffix(".h5") ? " (for one run file: aelab inspect)" : ""
        return "\(folder): is a file; expected an experiment's results folder (RESULTS/NAME)\(hint)"
    }
    return nil
}
