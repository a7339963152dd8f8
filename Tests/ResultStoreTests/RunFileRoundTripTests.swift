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
        XCTAssertEqual(back.networks[0].buffers.map { "\($0.group)/\($0.name)" }, ["norm0/running_mean", "norm0/running_var"])
        XCTAssertEqual(back.networks[1].tensors.map { "\($0.group)/\($0.name)" },
                       ["layer0/weight", "layer0/bias", "layer1/weight", "layer1/bias"])
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
        record.networks = [NetworkRecord(name: "encoder", layerSizes: [], activation: "relu", outputActivation: "identity",
                                         dropout: 0, tensors: [])]
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
