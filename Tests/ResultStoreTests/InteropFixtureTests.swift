import Foundation
import TensorCore
import XCTest
@testable import ResultStore

/// Writes the fixture for the Python check (tests/interop/run.sh): the full record (format
/// `aelab-run/2`, a dense encoder with batch norm, a convolutional decoder and a dense
/// discriminator) to the path in `AELAB_INTEROP_FIXTURE`, and next to it `PATH.expected.json`
/// with the values h5py must find. Skipped when the variable is unset.
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
                "format": a.format, "experiment": a.experiment, "run_id": a.runID, "model": a.model,
                "latent_dim": a.latentDim, "dropout": bits(a.dropout), "seed": a.seed, "dataset": a.dataset,
                "status": a.status.rawValue, "failure": a.failure, "spec": a.spec, "started": a.started,
                "finished": a.finished, "aelab_version": a.aelabVersion, "blas_cores": a.blasCores,
            ],
            "metrics": ["train": record.trainMetrics.mapValues(bits), "validation": record.validationMetrics.mapValues(bits)],
            "evaluations": record.evaluations.mapValues { $0.mapValues(bits) },
            "networks": record.networks.map { n -> [String: Any] in
                ["name": n.name, "layers": n.layers ?? "", "input_shape": n.inputShape, "output_shape": n.outputShape,
                 "extra_inputs": n.extraInputs.joined(separator: ","), "extra_inputs_at": n.extraInputsAt,
                 "output": n.output, "parameters": entries(n.tensors), "buffers": entries(n.buffers)]
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

    /// One input batch (the data and the label's one-hot) and the encoder's output, computed here
    /// in Float32 from the stored layer list and tensors: dense (weight [out, in]), batch norm
    /// with its running statistics, relu, dropout (nothing, in evaluation). The Python side
    /// rebuilds the encoder from /weights/encoder alone and must get the same numbers.
    static func encoderForward(_ network: NetworkRecord) -> [String: Any] {
        let data = try! JSONSerialization.jsonObject(with: Data(network.layers!.utf8))
        let layers = data as! [[String: Any]]
        func tensor(_ group: Int, _ name: String) -> Tensor {
            (network.tensors + network.buffers).first { $0.group == String(group) && $0.name == name }!.value
        }
        let rows = 2, width = network.inputShape[0], classes = 10
        precondition(network.extraInputs == ["one_hot:\(classes)"] && network.extraInputsAt == 0)
        let input = Tensor(shape: [rows, width], scalars: (0..<rows * width).map { Float($0 % 7) / 7 - 0.3 })
        let labels = [3, 7]
        let oneHot = Tensor(shape: [rows, classes], scalars: (0..<rows * classes).map { $0 % classes == labels[$0 / classes] ? 1 : 0 })
        var x: [[Float]] = (0..<rows).map { r in (0..<width).map { input[r, $0] } + (0..<classes).map { oneHot[r, $0] } }
        for (index, layer) in layers.enumerated() {
            switch layer["kind"] as! String {
            case "dense":
                let (weight, bias) = (tensor(index, "weight"), tensor(index, "bias"))
                x = x.map { row in
                    (0..<weight.shape[0]).map { o in
                        var sum = bias.scalars[o]
                        for i in 0..<weight.shape[1] { sum += row[i] * weight[o, i] }
                        return sum
                    }
                }
            case "batch_norm":
                precondition(layer["spatial"] as? Bool == false)
                let (mean, variance) = (tensor(index, "running_mean"), tensor(index, "running_var"))
                let (gamma, beta) = (tensor(index, "weight"), tensor(index, "bias"))
                let eps = Float(layer["eps"] as! Double)
                x = x.map { row in
                    row.indices.map { j in (row[j] - mean.scalars[j]) * (1 / (variance.scalars[j] + eps).squareRoot()) * gamma.scalars[j] + beta.scalars[j] }
                }
            case "activation":
                precondition(layer["function"] as? String == "relu")
                x = x.map { $0.map { max($0, 0) } }
            case "dropout":
                break
            default:
                preconditionFailure("encoderForward: layer kind \(layer["kind"]!)")
            }
        }
        return ["input": input.scalars.map(Double.init), "input_shape": input.shape,
                "extra_inputs": [oneHot.scalars.map(Double.init)], "extra_shapes": [oneHot.shape],
                "output": x.flatMap { $0 }.map(Double.init), "output_shape": [rows, x[0].count]]
    }
}
