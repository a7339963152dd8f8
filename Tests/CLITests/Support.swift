import Foundation
import XCTest

/// Runs the built `aelab` binary (beside the test bundle) and collects its output.
struct CLI {
    static var binary: URL {
        var dir = Bundle(for: Marker.self).bundleURL
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("aelab").path) && dir.path != "/" {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("aelab")
    }

    /// The MNIST folder for the tests: AELAB_DATA, else ../shared/datasets beside the package.
    static var dataRoot: String {
        if let env = ProcessInfo.processInfo.environment["AELAB_DATA"] { return env }
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return package.deletingLastPathComponent().appendingPathComponent("shared/datasets").path
    }

    struct Result { let status: Int32; let stdout: String; let stderr: String }

    /// Starts aelab with `arguments` and returns at once (kill it through the process). The
    /// environment is this process's, with AELAB_DATA set and `environment`'s entries set or, where
    /// nil, removed; `directory`, if given, is its working folder.
    @discardableResult
    static func start(_ arguments: [String], environment changes: [String: String?] = [:],
                      directory: URL? = nil) throws -> (Process, Pipe, Pipe) {
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = directory }
        var environment = ProcessInfo.processInfo.environment
        environment["AELAB_DATA"] = dataRoot
        for (name, value) in changes { environment[name] = value }
        p.environment = environment
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        return (p, out, err)
    }

    static func run(_ arguments: [String], environment: [String: String?] = [:], directory: URL? = nil) throws -> Result {
        let (p, out, err) = try start(arguments, environment: environment, directory: directory)
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("aelab-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

private final class Marker {}
