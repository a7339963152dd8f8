import Foundation
import TensorCore
import XCTest
@testable import ResultStore

final class RunFileRoundTripTests: XCTestCase {
    func testFullRecordComesBackBitForBit() throws {
        let path = try Fixtures.folder() + "/run.h5"
        let record = Fixtures.fullRecord()
        try RunFile.write(record, to: path)
        let back = try RunFile.read(path)
        XCTAssertEqual(Fixtures.bits(back), Fixtures.bits(record))
        XCTAssertEqual(back.attributes, record.attributes)
        XCTAssertEqual(back.networks.map(\.name), ["encoder", "decoder", "discriminator"])
        XCTAssertEqual(back.attributes.format, "aelab-run/2")
        XCTAssertEqual(back.networks[0].buffers.map { "\($0.group)/\($0.name)" }, ["1/running_mean", "1/running_var"])
        XCTAssertEqual(back.networks[1].tensors.map { "\($0.group)/\($0.name)" },
                       ["0/weight", "0/bias", "3/weight", "3/bias", "4/weight", "4/bias", "6/weight", "6/bias"])
        XCTAssertEqual(back.checkpoint?.extra.map { "\($0.group)/\($0.name)" }, ["prior/mean", "labels/frequency", "prior/scale"])
        XCTAssertEqual(back.checkpoint?.optimizers.map(\.phase), ["reconstruction", "discriminator", "generator"])
        XCTAssertEqual(back.checkpoint?.optimizers[0].slots["velocity_sq"], [])
        XCTAssertEqual(back.checkpoint?.extra.map(\.value.shape), [[3], [10], []])
    }

    func testRecordWithoutNaNIsEqual() throws {
        var record = Fixtures.fullRecord()
        record.trainMetrics["reconstruction"] = [0.5, 0.25]
        record.validationMetrics = [:]
        let path = try Fixtures.folder() + "/run.h5"
        try RunFile.write(record, to: path)
        XCTAssertEqual(try RunFile.read(path), record)
    }

    func testMinimalRecordAndEmptyShapes() throws {
        let path = try Fixtures.folder() + "/run.h5"
        var record = Fixtures.minimalRecord()
        record.trainMetrics = ["loss": []]
        record.generatedSamples = Tensor(shape: [0, 784], scalars: [])
        record.networks = [NetworkRecord(name: "encoder", layers: "[]", inputShape: [], outputShape: [], output: "identity",
                                         tensors: [])]
        try RunFile.write(record, to: path)
        XCTAssertEqual(try RunFile.read(path), record)
    }

    /// A convolutional layer list comes back as written, with its shapes, where the extra inputs
    /// join, torch's 4-D kernels, and no MLP description; in the file, the v2 attributes only.
    func testConvolutionalNetworkRoundTrip() throws {
        let path = try Fixtures.folder() + "/run.h5"
        var record = Fixtures.minimalRecord(status: .complete)
        record.networks = [Fixtures.convDecoder()]
        try RunFile.write(record, to: path)
        let back = try RunFile.read(path)
        XCTAssertEqual(back, record)
        let decoder = try XCTUnwrap(back.networks.first)
        XCTAssertEqual(decoder.layers, Fixtures.convDecoder().layers)
        XCTAssertTrue(decoder.layers?.contains(#""kind":"conv_transpose""#) ?? false)
        XCTAssertEqual([decoder.inputShape, decoder.outputShape], [[3], [16]])
        XCTAssertEqual(decoder.extraInputs, ["one_hot:10", "noise:2"])
        XCTAssertEqual(decoder.extraInputsAt, 0)
        XCTAssertEqual(decoder.output, "sigmoid")
        XCTAssertNil(decoder.mlp)
        XCTAssertEqual(decoder.tensors.first { $0.group == "3" && $0.name == "weight" }?.value.shape, [2, 3, 3, 3])
        XCTAssertEqual(decoder.buffers.map { "\($0.group)/\($0.name)" }, ["4/running_mean", "4/running_var"])

        let file = try HDF5File.open(path)
        defer { try? file.close() }
        let root = try file.root()
        XCTAssertEqual(try root.attributes.string("format"), "aelab-run/2")
        let a = try root.group("weights/decoder").attributes
        XCTAssertEqual(try a.names().sorted(), ["buffers", "extra_inputs", "extra_inputs_at", "input_shape", "layers",
                                                "output", "output_shape", "parameters"])
        XCTAssertEqual(try a.ints("input_shape"), [3])
        XCTAssertEqual(try a.ints("output_shape"), [16])
        XCTAssertEqual(try a.int("extra_inputs_at"), 0)
        XCTAssertEqual(try a.string("extra_inputs"), "one_hot:10,noise:2")
        XCTAssertEqual(try a.string("parameters"), "0/weight,0/bias,3/weight,3/bias,4/weight,4/bias,6/weight,6/bias")
        XCTAssertEqual(try root.dataset("weights/decoder/6/weight").readTensor().shape, [1, 3, 3, 3])
    }

    /// A file of the first format, written in its layout by hand, reads with its networks as MLP
    /// descriptions, tensors named layerI/normI, and the shapes derived from the sizes.
    func testV1FileReadsWithMLPDescriptions() throws {
        let path = try Fixtures.folder() + "/v1.h5"
        let expected = Fixtures.v1Record()
        try Fixtures.writeV1File(expected, to: path)
        let back = try RunFile.read(path)
        XCTAssertEqual(Fixtures.bits(back), Fixtures.bits(expected))
        XCTAssertEqual(back.attributes.formatVersion, 1)
        XCTAssertEqual(back.attributes.format, "aelab-run/1")
        let encoder = back.networks[0]
        XCTAssertNil(encoder.layers)
        XCTAssertEqual(encoder.mlp, MLPDescription(layerSizes: [22, 6, 3], activation: "relu", outputActivation: "identity", dropout: 0.25))
        XCTAssertEqual(encoder.tensors.map { "\($0.group)/\($0.name)" }, ["layer0/weight", "layer0/bias", "layer1/weight", "layer1/bias"])
        XCTAssertEqual(encoder.buffers.map { "\($0.group)/\($0.name)" }, ["norm0/running_mean", "norm0/running_var"])
        XCTAssertEqual([encoder.inputShape, encoder.outputShape], [[12], [3]], "the input is layer_sizes[0] less the one-hot")
        XCTAssertEqual(encoder.extraInputsAt, 0)
        XCTAssertEqual(back.networks[1].inputShape, [3], "15 less one_hot:10 and noise:2")
        XCTAssertEqual(back.networks[1].output, "sigmoid")
        XCTAssertEqual(back.networks[2].extraInputsAt, -1, "no extra inputs")
        XCTAssertEqual(back.networks.map(\.mlp?.layerSizes), [[22, 6, 3], [15, 6, 12], [3, 4, 1]])
    }

    /// `aelab evaluate` on a file of the first format keeps it in that format: the format
    /// attribute, the MLP attributes and tensor names, and nothing of the second layout.
    func testV1FileStaysV1WhenEvaluated() throws {
        let path = try Fixtures.folder() + "/v1.h5"
        let original = Fixtures.v1Record()
        try Fixtures.writeV1File(original, to: path)
        try RunFile.updateEvaluation(at: path, parzen: nil, evaluations: ["extra": ["x": 2.5]], evaluatedWith: "Haswell")

        var expected = original
        expected.parzen = nil
        expected.evaluations = ["extra": ["x": 2.5]]
        expected.attributes.blasCores = "Prescott,Cooperlake,Haswell"
        XCTAssertEqual(Fixtures.bits(try RunFile.read(path)), Fixtures.bits(expected))

        let file = try HDF5File.open(path)
        defer { try? file.close() }
        let root = try file.root()
        XCTAssertEqual(try root.attributes.string("format"), "aelab-run/1")
        let encoder = try root.group("weights/encoder")
        XCTAssertEqual(try encoder.attributes.names().sorted(), ["activation", "buffers", "dropout", "extra_inputs",
                                                                 "layer_sizes", "output_activation", "parameters"])
        XCTAssertEqual(try encoder.attributes.ints("layer_sizes"), [22, 6, 3])
        XCTAssertEqual(try encoder.memberNames().sorted(), ["layer0", "layer1", "norm0"])
    }

    /// The writer's `aelab-run/1` path (what `updateEvaluation` uses) gives back what it was given.
    func testV1RecordRoundTrip() throws {
        let path = try Fixtures.folder() + "/v1.h5"
        var record = Fixtures.v1Record()
        record.trainMetrics = ["loss": [0.5, 0.25]]
        record.validationMetrics = [:]
        try RunFile.write(record, to: path)
        XCTAssertEqual(try RunFile.read(path), record)
    }

    func testSummaryLeavesWeightsAndCheckpointOut() throws {
        let path = try Fixtures.folder() + "/run.h5"
        var record = Fixtures.fullRecord()
        record.figures[FigureData.codes] = Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        record.figures[FigureData.priorSamples] = Tensor(shape: [2, 2], scalars: [0, 1, 1, 0])
        record.figures[FigureData.originals] = Tensor(shape: [1, 4], scalars: [0, 0.5, 1, 0])
        try RunFile.write(record, to: path)
        let summary = try RunFile.read(path, parts: .summary)
        // Of the figures, only the codes and the prior samples (the comparison's code match).
        XCTAssertEqual(Set(summary.figures.keys), [FigureData.codes, FigureData.priorSamples])
        XCTAssertEqual(summary.figures[FigureData.codes], record.figures[FigureData.codes])
        XCTAssertEqual(summary.figures[FigureData.priorSamples], record.figures[FigureData.priorSamples])
        XCTAssertEqual(summary.attributes, record.attributes)
        XCTAssertEqual(summary.parzen, record.parzen)
        XCTAssertEqual(summary.trainMetrics["seconds"], record.trainMetrics["seconds"])
        XCTAssertTrue(summary.networks.isEmpty)
        XCTAssertNil(summary.checkpoint)
        XCTAssertNil(summary.generatedSamples)
    }

    func testUpdateEvaluationReplacesOnlyEval() throws {
        let path = try Fixtures.folder() + "/run.h5"
        let record = Fixtures.fullRecord()
        try RunFile.write(record, to: path)
        var parzen = try XCTUnwrap(record.parzen)
        parzen.sigma = 0.3
        parzen.testLL = [1, 2, 3]
        try RunFile.updateEvaluation(at: path, parzen: parzen, evaluations: ["extra": ["x": 1.5]])

        var expected = record
        expected.parzen = parzen
        expected.evaluations = ["extra": ["x": 1.5]]
        XCTAssertEqual(Fixtures.bits(try RunFile.read(path)), Fixtures.bits(expected))
    }

    /// The build and the kernel family of an evaluation join the file's lists once each, after
    /// those that trained it, and the weights stay as they were.
    func testUpdateEvaluationAddsItsBuildAndKernelsOnce() throws {
        let path = try Fixtures.folder() + "/again.h5"
        let record = Fixtures.fullRecord()
        try RunFile.write(record, to: path)
        try RunFile.updateEvaluation(at: path, parzen: record.parzen, evaluations: [:], evaluatedWith: "Haswell", evaluatedBy: "0.2.0 (abc1234)")
        var read = try RunFile.read(path)
        XCTAssertEqual(read.attributes.aelabVersion, "0.1.0,0.2.0 (abc1234)")
        XCTAssertEqual(read.attributes.blasCores, "Prescott,Cooperlake,Haswell")
        try RunFile.updateEvaluation(at: path, parzen: record.parzen, evaluations: [:], evaluatedWith: "Cooperlake", evaluatedBy: "0.1.0")
        read = try RunFile.read(path)
        XCTAssertEqual(read.attributes.aelabVersion, "0.1.0,0.2.0 (abc1234)")
        var expected = record
        expected.evaluations = [:]
        expected.attributes.aelabVersion = "0.1.0,0.2.0 (abc1234)"
        expected.attributes.blasCores = "Prescott,Cooperlake,Haswell"
        XCTAssertEqual(Fixtures.bits(read), Fixtures.bits(expected), "nothing else changed")
    }

    /// The checkpoints of an experiment folder: every visible .h5 there, also one beside its run
    /// file (an extension under way); not the temporaries of a writer.
    func testCheckpointFilesAreTheVisibleH5FilesOfTheFolder() throws {
        let paths = RunPaths(folder: try Fixtures.folder())
        XCTAssertEqual(paths.checkpointFiles(), [], "no checkpoints folder: none")
        for folder in [paths.runsFolder, paths.checkpointsFolder] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        for name in ["b.h5", "a.h5", ".a.h5.tmp-1-2", "notes.txt"] {
            try Data().write(to: URL(fileURLWithPath: paths.checkpointsFolder + "/" + name))
        }
        try Data().write(to: URL(fileURLWithPath: paths.runFile("a")))
        XCTAssertEqual(paths.checkpointFiles(), [paths.checkpoint("a"), paths.checkpoint("b")])
    }

    func testUpdateEvaluationOfMissingFileNamesIt() throws {
        let path = try Fixtures.folder() + "/absent.h5"
        let error = expectError { try RunFile.updateEvaluation(at: path, parzen: nil, evaluations: [:]) }
        XCTAssertEqual(error?.description, "\(path): No such file or directory")
    }
}
