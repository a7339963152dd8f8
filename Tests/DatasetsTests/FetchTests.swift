import XCTest
@testable import Datasets

final class FetchTests: XCTestCase {
    /// MNIST's label files only, from `mirrors`.
    private func labelsOnly(mirrors: [String]) -> DatasetInfo {
        DatasetInfo(name: "mnist", title: "test", imageRows: 28, imageColumns: 28, classes: 10,
                    files: DatasetInfo.mnist.files.filter { $0.role == .trainLabels || $0.role == .testLabels },
                    mirrors: mirrors)
    }

    /// A mirror that refuses connections (port 9 of this host) fails at once, with one line naming
    /// the URL and the folder to fill by hand; nothing is left behind.
    func testUnreachableMirrorFailsPromptlyWithOneLine() throws {
        let root = try temporaryFolder(self)
        let info = labelsOnly(mirrors: ["http://127.0.0.1:9/"])
        let started = Date()
        let error = assertDatasetError(naming: "http://127.0.0.1:9/train-labels-idx1-ubyte.gz") {
            try Dataset.fetch(info, into: root, timeout: 15, progress: { _ in })
        }
        XCTAssertTrue(error?.description.contains(root + "/mnist by hand") ?? false, "\(String(describing: error))")
        XCTAssertLessThan(Date().timeIntervalSince(started), 16)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root + "/mnist"), [])
    }

    /// After a failing mirror, a file:// mirror holding the real files delivers them, verified,
    /// under their final names; a second fetch keeps them.
    func testFallsBackToTheNextMirrorAndVerifies() throws {
        let source = try mnistLocation().folder
        let root = try temporaryFolder(self)
        let info = labelsOnly(mirrors: ["http://127.0.0.1:9/", "file://" + source + "/"])
        var lines: [String] = []
        let folder = try Dataset.fetch(info, into: root, timeout: 15) { lines.append($0) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(),
                       ["t10k-labels-idx1-ubyte.gz", "train-labels-idx1-ubyte.gz"])
        XCTAssertTrue(lines.allSatisfy { $0.contains("downloaded from file://") }, "\(lines)")
        lines = []
        try Dataset.fetch(info, into: root, timeout: 15) { lines.append($0) }
        XCTAssertTrue(lines.allSatisfy { $0.contains("already present and OK") }, "\(lines)")
    }
    /// Without --into, a dataset already complete and correct on the search path stays where it
    /// is: every file is reported present and nothing is written to the fetch root.
    func testVerifiedDatasetOnTheSearchPathIsNotDownloadedAgain() throws {
        let source = try mnistLocation().folder
        let fetchRoot = try temporaryFolder(self)
        let searchPath = DataSearchPath(roots: [(source as NSString).deletingLastPathComponent], fetchRoot: fetchRoot)
        var lines: [String] = []
        let folder = try Dataset.fetch("mnist", searchPath: searchPath) { lines.append($0) }
        XCTAssertEqual(folder, source)
        XCTAssertEqual(lines.count, DatasetInfo.mnist.files.count)
        XCTAssertTrue(lines.allSatisfy { $0.contains("already present and OK (\(source)/") }, "\(lines)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: fetchRoot), [])
    }
}
