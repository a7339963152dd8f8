import Foundation
import XCTest
@testable import ResultStore

final class AtomicWriteTests: XCTestCase {
    private func contents(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    func testFinalPathAppearsOnlyWhenWritten() throws {
        let folder = try Fixtures.folder()
        let path = folder + "/run.h5"
        var seenTemporary = ""
        try AtomicFile.write(to: path) { temporary in
            seenTemporary = temporary
            let file = try HDF5File.create(temporary)
            try file.root().attributes.write("format", "x")
            try file.close()
            XCTAssertFalse(FileManager.default.fileExists(atPath: path), "final name exists before the rename")
            XCTAssertTrue(temporary.hasPrefix(folder + "/.run.h5.tmp-\(getpid())-"), temporary)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: seenTemporary))
        XCTAssertEqual(try contents(folder), ["run.h5"])
    }

    func testExistingFileIsReplacedWhole() throws {
        let folder = try Fixtures.folder()
        let path = folder + "/run.h5"
        try RunFile.write(Fixtures.fullRecord(), to: path)
        let small = Fixtures.minimalRecord()
        try RunFile.write(small, to: path)
        XCTAssertEqual(try RunFile.read(path), small)
        XCTAssertEqual(try contents(folder), ["run.h5"])
    }

    func testFailureMidWriteLeavesOldFileAndNoTemporary() throws {
        let folder = try Fixtures.folder()
        let path = folder + "/run.h5"
        try RunFile.write(Fixtures.minimalRecord(), to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        var bad = Fixtures.fullRecord()  // fails at /weights, after attributes and metrics are written
        bad.networks[1].name = "de/coder"
        let error = expectError { try RunFile.write(bad, to: path) }
        XCTAssertEqual(error?.description, "\(path): /weights: invalid network name 'de/coder': contains '/'")

        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
        XCTAssertEqual(try contents(folder), ["run.h5"])
    }

    func testMissingFolderIsAnErrorAndCreatesNothing() throws {
        let folder = try Fixtures.folder()
        let path = folder + "/missing/run.h5"
        let error = expectError { try RunFile.write(Fixtures.minimalRecord(), to: path) }
        XCTAssertEqual(error?.description, "\(path): folder \(folder)/missing does not exist")
        XCTAssertEqual(try contents(folder), [])
    }

    func testReadOnlyFolderLeavesOldFile() throws {
        try XCTSkipIf(geteuid() == 0, "root ignores folder permissions")
        let folder = try Fixtures.folder()
        let path = folder + "/run.h5"
        try RunFile.write(Fixtures.minimalRecord(), to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        chmod(folder, 0o555)
        defer { chmod(folder, 0o755) }
        let error = expectError { try RunFile.write(Fixtures.fullRecord(), to: path) }
        XCTAssertTrue(error?.description.hasPrefix("\(path): cannot create file") ?? false, "\(String(describing: error))")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
    }
}
