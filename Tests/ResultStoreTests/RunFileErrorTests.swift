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
        let path = try damagedFile { try $0.attributes.write("format", "aelab-run/3") }
        XCTAssertEqual(expectError { _ = try RunFile.read(path) }?.description,
                       "\(path): /: format is 'aelab-run/3', expected 'aelab-run/1' or 'aelab-run/2'")
        let other = try damagedFile("other") { try $0.attributes.write("format", "aelab-run") }
        XCTAssertEqual(expectError { _ = try RunFile.read(other) }?.description,
                       "\(other): /: format is 'aelab-run', expected 'aelab-run/1' or 'aelab-run/2'")
    }

    /// A v2 file without a network's layer list: the reader names the group and the attribute.
    func testMissingLayersInV2File() throws {
        let path = try damagedFile { try $0.group("weights/decoder").attributes.remove("layers") }
        XCTAssertEqual(expectError { _ = try RunFile.read(path) }?.description,
                       "\(path): /weights/decoder: attribute layers: not found")
    }

    /// A file that says `aelab-run/2` but has the MLP layout of `aelab-run/1`: the first v2
    /// attribute missing is named.
    func testV1LayoutUnderV2FormatIsRefused() throws {
        let path = try Fixtures.folder() + "/run.h5"
        try Fixtures.writeV1File(Fixtures.v1Record(), to: path) { try $0.attributes.write("format", "aelab-run/2") }
        XCTAssertEqual(expectError { _ = try RunFile.read(path) }?.description,
                       "\(path): /weights/encoder: attribute layers: not found")
    }

    /// A v1 file whose extra inputs are not KIND:WIDTH cannot give the data input's shape.
    func testV1ExtraInputWithoutWidth() throws {
        let path = try Fixtures.folder() + "/run.h5"
        try Fixtures.writeV1File(Fixtures.v1Record(), to: path) {
            try $0.group("weights/decoder").attributes.write("extra_inputs", "one_hot:10,noise")
        }
        XCTAssertEqual(expectError { _ = try RunFile.read(path) }?.description,
                       "\(path): /weights/decoder: attribute extra_inputs: item 'noise' is not KIND:WIDTH")
    }

    /// The writer refuses a record whose networks do not fit its format, and writes nothing.
    func testWriterRefusesNetworksOfTheOtherFormat() throws {
        let folder = try Fixtures.folder()
        var v2WithMLP = Fixtures.fullRecord()
        v2WithMLP.networks[1] = Fixtures.v1Record().networks[1]
        XCTAssertEqual(expectError { try RunFile.write(v2WithMLP, to: folder + "/a.h5") }?.description,
                       "\(folder)/a.h5: /weights/decoder: no layers (an aelab-run/1 MLP description) in an aelab-run/2 record")
        var v1WithLayers = Fixtures.v1Record()
        v1WithLayers.networks[2] = Fixtures.fullRecord().networks[2]
        XCTAssertEqual(expectError { try RunFile.write(v1WithLayers, to: folder + "/b.h5") }?.description,
                       "\(folder)/b.h5: /weights/discriminator: a layer list in an aelab-run/1 record: an aelab-run/1 network is an MLP description only")
        var both = Fixtures.fullRecord()
        both.networks[0].mlp = Fixtures.v1Record().networks[0].mlp
        XCTAssertEqual(expectError { try RunFile.write(both, to: folder + "/c.h5") }?.description,
                       "\(folder)/c.h5: /weights/encoder: both layers and an aelab-run/1 MLP description: an aelab-run/2 network has only layers")
        var future = Fixtures.fullRecord()
        future.attributes.formatVersion = 3
        XCTAssertEqual(expectError { try RunFile.write(future, to: folder + "/d.h5") }?.description,
                       "\(folder)/d.h5: /: cannot write format 'aelab-run/3' (this build writes 'aelab-run/1' and 'aelab-run/2')")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [])
    }

    /// A layer list that is not a JSON array of layer objects, or extra inputs that join at no
    /// layer, are refused when written.
    func testWriterRefusesBadLayerLists() throws {
        let folder = try Fixtures.folder()
        for (index, (layers, at, problem)) in [
            (#"{"kind":"dense"}"#, 0, #"layers is not a JSON array of objects with a "kind": {"kind":"dense"}"#),
            (#"[{"in_features":3}]"#, 0, #"layers is not a JSON array of objects with a "kind": [{"in_features":3}]"#),
            ("[dense", 0, #"layers is not a JSON array of objects with a "kind": [dense"#),
            (Fixtures.convDecoder().layers!, 8, "extra inputs join at layer 8: expected a layer index in 0..<8"),
            (Fixtures.convDecoder().layers!, -1, "extra inputs join at layer -1: expected a layer index in 0..<8"),
        ].enumerated() {
            var record = Fixtures.fullRecord()
            record.networks[1].layers = layers
            record.networks[1].extraInputsAt = at
            let path = folder + "/\(index).h5"
            XCTAssertEqual(expectError { try RunFile.write(record, to: path) }?.description, "\(path): /weights/decoder: \(problem)")
        }
        var record = Fixtures.fullRecord()
        record.networks[2].extraInputsAt = 0
        XCTAssertEqual(expectError { try RunFile.write(record, to: folder + "/x.h5") }?.description,
                       "\(folder)/x.h5: /weights/discriminator: extra inputs join at layer 0: expected -1 without extra inputs")
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
        let path = try damagedFile { try $0.group("weights/decoder").attributes.remove("output") }
        XCTAssertEqual(expectError { _ = try RunFile.read(path) }?.description,
                       "\(path): /weights/decoder: attribute output: not found")
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
