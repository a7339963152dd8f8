import Foundation
import XCTest
@testable import ResultStore

/// Reading damaged or foreign files gives one line naming the file, the object and the problem.
final class RunFileErrorTests: XCTestCase {
    /// Writes the full record with the writer, then lets `damage` change the still-open file.
    private func damagedFile(_ name: String = #function, _ damage: (HDF5Group) throws -> Void) throws -> String {
        let path = try Fixtures.folder(name) + "/run.h5"
        let file = try HDF5File.create(path)
        try RunFileWriter(file: file).write(Fixtures.fullRecord())
        try damage(file.root())
        try file.close()
        return path
    }

    func testTruncatedFile() throws {
        let path = try Fixtures.folder() + "/run.h5"
        try RunFile.write(Fixtures.fullRecord(), to: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        let error = try XCTUnwrap(expectError { _ = try RunFile.read(path) })
        XCTAssertEqual(error.file, path)
        XCTAssertNil(error.object)
        XCTAssertTrue(error.description.hasPrefix("\(path): not an HDF5 file or truncated"), error.description)
        XCTAssertFalse(error.description.contains("\n"))
    }

    func testNotHDF5() throws {
        let path = try Fixtures.folder() + "/run.h5"
        try Data("{\"format\": \"aelab-run/1\"}\n".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(expectError { _ = try RunFile.read(path) }?.description, "\(path): not an HDF5 file")
    }

    func testEmptyFile() throws {
        let path = try Fixtures.folder() + "/run.h5"
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        XCTAssertEqual(expectError { _ = try RunFile.read(path) }?.description, "\(path): not an HDF5 file")
    }

    func testMissingFile() throws {
        let path = try Fixtures.folder() + "/absent.h5"
        XCTAssertEqual(expectError { _ = try RunFile.read(path) }?.description, "\(path): No such file or directory")
    }

    func testWrongFormat() throws {
        let path = try damagedFile { try $0.attributes.write("format", "aelab-run/2") }
        XCTAssertEqual(expectError { _ = try RunFile.read(path) }?.description,
                       "\(path): /: format is 'aelab-run/2', expected 'aelab-run/1'")
    }

    func testNoFormat() throws {
        let path = try damagedFile { try $0.attributes.remove("format") }
        XCTAssertEqual(expectError { _ = try RunFile.read(path) }?.description,
                       "\(path): /: attribute format: not found (not an AELab run file)")
    }

    func testMissingDatasetIsNamedByPath() throws {
        let path = try damagedFile { try $0.remove("eval/parzen/test_ll") }
        XCTAssertEqual(expectError { _ = try RunFile.read(path) }?.description,
                       "\(path): /eval/parzen/test_ll: dataset not found")
    }

    func testMissingAttributeIsNamedByPath() throws {
        let path = try damagedFile { try $0.group("weights/decoder").attributes.remove("activation") }
        XCTAssertEqual(expectError { _ = try RunFile.read(path) }?.description,
                       "\(path): /weights/decoder: attribute activation: not found")
    }

    func testMissingGroupIsNamedByPath() throws {
        let path = try damagedFile { try $0.remove("metrics/validation") }
        XCTAssertEqual(expectError { _ = try RunFile.read(path) }?.description,
                       "\(path): /metrics/validation: group not found")
    }

    func testMissingOptimizerSlotTensor() throws {
        let path = try damagedFile { try $0.remove("checkpoint/optimizers/generator/m_0") }
        XCTAssertEqual(expectError { _ = try RunFile.read(path) }?.description,
                       "\(path): /checkpoint/optimizers/generator/m_0: dataset not found")
    }

    func testIllTypedAttribute() throws {
        let path = try damagedFile { try $0.attributes.write("latent_dim", "eight") }
        XCTAssertEqual(expectError { _ = try RunFile.read(path) }?.description,
                       "\(path): /: attribute latent_dim: expected int64, found string")
    }

    func testIllTypedDataset() throws {
        let path = try damagedFile { root in
            let train = try root.group("metrics/train")
            try train.remove("seconds")
            try train.createDataset("seconds", uint64s: [1, 2])
        }
        XCTAssertEqual(expectError { _ = try RunFile.read(path) }?.description,
                       "\(path): /metrics/train/seconds: expected float64 [n], found uint64")
    }

    func testUnknownStatus() throws {
        let path = try damagedFile { try $0.attributes.write("status", "paused") }
        XCTAssertEqual(expectError { _ = try RunFile.read(path) }?.description,
                       "\(path): /: attribute status: unknown value 'paused' (expected complete, failed or running)")
    }
}
