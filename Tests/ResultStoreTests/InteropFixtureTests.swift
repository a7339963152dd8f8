import Foundation
import TensorCore
import XCTest
@testable import ResultStore

/// Writes the fixture for the Python check (tests/interop/run.sh): the full record to the path in
/// `AELAB_INTEROP_FIXTURE`, and next to it `PATH.expected.json` with the values h5py must find.
/// Skipped when the variable is unset.
///
///     AELAB_INTEROP_FIXTURE=/tmp/run.h5 swift test --filter InteropFixtureTests
///     tests/interop/run.sh /tmp/run.h5
final class InteropFixtureTests: XCTestCase {
    func testWriteInteropFixture() throws {
        guard let path = ProcessInfo.processInfo.environment["AELAB_INTEROP_FIXTURE"], !path.isEmpty else {
            throw XCTSkip("AELAB_INTEROP_FIXTURE is not set")
        }
        let record = Fixtures.fullRecord()
        try RunFile.write(record, to: path)
        let json = try JSONSerialization.data(withJSONObject: Self.expected(record), options: [.prettyPrinted, .sortedKeys])
        try json.write(to: URL(fileURLWithPath: path + ".expected.json"))
        XCTAssertEqual(Fixtures.bits(try RunFile.read(path)), Fixtures.bits(record))
    }

    /// Float64 values as hexadecimal bit patterns (exact, and NaN/Inf survive JSON).
    private static func bits(_ values: [Double]) -> [String] { values.map { String($0.bitPattern, radix: 16) } }
    private static func bits(_ value: Double) -> String { String(value.bitPattern, radix: 16) }

    private static func entries(_ tensors: [NamedTensor]) -> [[Any]] {
        tensors.map { ["\($0.group)/\($0.name)", $0.value.shape] }
    }

    static func expected(_ record: RunRecord) -> [String: Any] {
        let a = record.attributes
        var result: [String: Any] = [
            "attributes": [
                "format": RunFile.format, "experiment": a.experiment, "run_id": a.runID, "model": a.model,
                "latent_dim": a.latentDim, "dropout": bits(a.dropout), "seed": a.seed, "dataset": a.dataset,
                "status": a.status.rawValue, "failure": a.failure, "spec": a.spec, "started": a.started,
                "finished": a.finished, "aelab_version": a.aelabVersion, "blas_cores": a.blasCores,
            ],
            "metrics": ["train": record.trainMetrics.mapValues(bits), "validation": record.validationMetrics.mapValues(bits)],
            "evaluations": record.evaluations.mapValues { $0.mapValues(bits) },
            "networks": record.networks.map { n -> [String: Any] in
                ["name": n.name, "layer_sizes": n.layerSizes, "activation": n.activation,
                 "output_activation": n.outputActivation, "dropout": bits(n.dropout),
                 "extra_inputs": n.extraInputs.joined(separator: ","),
                 "parameters": entries(n.tensors), "buffers": entries(n.buffers)]
            },
            "encoder_forward": encoderForward(record.networks[0]),
        ]
        if let p = record.parzen {
            result["parzen"] = [
                "log_likelihood": bits(p.logLikelihood), "standard_error": bits(p.standardError), "sigma": bits(p.sigma),
                "generated_samples": p.generatedSamples, "test_points": p.testPoints, "sigma_grid": bits(p.sigmaGrid),
                "sigma_validation_ll": bits(p.sigmaValidationLL), "test_ll": bits(p.testLL),
            ]
        }
        if let samples = record.generatedSamples { result["samples_shape"] = samples.shape }
        if let c = record.checkpoint {
            result["checkpoint"] = [
                "epoch": c.epoch,
                "optimizers": c.optimizers.map { o -> [String: Any] in
                    ["phase": o.phase, "step": o.step, "slots": o.slots.mapValues { $0.map(\.shape) }]
                },
                "random": c.randomStreams.mapValues { $0.map { String($0) } },
                "extra": entries(c.extra),
            ]
        }
        return result
    }

    /// One input batch and the encoder's output, computed here in Float32 from the stored layout
    /// (weight [out, in]): the Python side rebuilds the encoder from /weights/encoder alone and
    /// must get the same numbers. Hidden layers use `activation` (relu), the last `output_activation`.
    static func encoderForward(_ network: NetworkRecord) -> [String: Any] {
        precondition(network.activation == "relu" && network.outputActivation == "identity")
        let linears = network.tensors.filter { $0.name == "weight" }.map { w in
            (w.value, network.tensors.first { $0.group == w.group && $0.name == "bias" }!.value)
        }
        let width = linears[0].0.shape[1]
        var x = Tensor(shape: [2, width], scalars: (0..<2 * width).map { Float($0 % 7) / 7 - 0.3 })
        let input = x
        for (index, (weight, bias)) in linears.enumerated() {
            let (out, inp) = (weight.shape[0], weight.shape[1])
            var y = [Float](repeating: 0, count: 2 * out)
            for row in 0..<2 {
                for o in 0..<out {
                    var sum = bias.scalars[o]
                    for i in 0..<inp { sum += x[row, i] * weight[o, i] }
                    y[row * out + o] = index < linears.count - 1 ? max(sum, 0) : sum
                }
            }
            x = Tensor(shape: [2, out], scalars: y)
        }
        return ["input": input.scalars.map(Double.init), "input_shape": input.shape,
                "output": x.scalars.map(Double.init), "output_shape": x.shape]
    }
}
