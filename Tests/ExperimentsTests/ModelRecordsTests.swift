import Models
import NeuralNet
import ResultStore
import TensorCore
import XCTest
@testable import Experiments

/// A model's networks to run-file records and back, in both formats.
final class ModelRecordsTests: XCTestCase {
    func model(seed: UInt64) -> Autoencoder {
        var config = ModelConfig()
        config.hidden = [32, 16]
        config.discriminatorHidden = [24]
        config.batchNorm = true
        config.dropout = 0.1
        var rng = RandomStream(seed: seed, purpose: "init")
        return Autoencoder(family: ModelRegistry.family(named: "caae")!, config: config, using: &rng)
    }

    /// Moves the batch-norm statistics away from (0, 1) so that their loading is tested.
    func train(_ m: Autoencoder) {
        var rng = RandomStream(seed: 5, purpose: "images")
        var context = ForwardContext(mode: .training, seed: 1)
        let x = Tensor.uniform([20, 784], using: &rng)
        _ = withoutGradient { tape in m.decoder(m.encoder(tape.constant(x), labels: Array(0..<20).map { $0 % 10 }, &context).z,
                                                labels: Array(0..<20).map { $0 % 10 }, &context) }
    }

    func outputs(_ m: Autoencoder) -> Tensor {
        var rng = RandomStream(seed: 6, purpose: "images")
        let x = Tensor.uniform([4, 784], using: &rng)
        return m.reconstruct(x, labels: [1, 2, 3, 4])
    }

    func testRecordsRoundTrip() throws {
        let a = model(seed: 1), b = model(seed: 2)
        train(a)
        XCTAssertNotEqual(outputs(a), outputs(b))
        try b.load(a.networkRecords, from: "x.h5")
        XCTAssertEqual(outputs(a), outputs(b))
        let decoder = a.networkRecords.first { $0.name == "decoder" }!
        XCTAssertEqual(decoder.inputShape, [8])
        XCTAssertEqual(decoder.extraInputs, ["one_hot:10"])
        XCTAssertEqual(decoder.extraInputsAt, 0)
        XCTAssertEqual(decoder.tensors.map { "\($0.group)/\($0.name)" }.prefix(4), ["0/weight", "0/bias", "1/weight", "1/bias"])
    }

    /// An `aelab-run/1` record (tensors `layerI/…`, batch norms `normI/…`) loads onto the I-th
    /// dense layer and batch norm of the network the same spec builds today.
    func testFirstFormatRecordsLoadByOrder() throws {
        let a = model(seed: 1), b = model(seed: 2)
        train(a)
        let old = a.networkRecords.map { record -> NetworkRecord in
            var dense = 0, norm = 0
            var renamed: [String: String] = [:]
            let network = a.networks.first { $0.name == record.name }!.layer
            let layers = (network as? EncoderNetwork)?.network.body.layers ?? (network as! ConditionedNetwork).network.body.layers
            for (i, layer) in layers.enumerated() {
                if layer is Dense { renamed["\(i)"] = "layer\(dense)"; dense += 1 }
                if layer is BatchNorm { renamed["\(i)"] = "norm\(norm)"; norm += 1 }
            }
            func rename(_ t: NamedTensor) -> NamedTensor { NamedTensor(group: renamed[t.group]!, name: t.name, value: t.value) }
            return NetworkRecord(name: record.name, layers: nil, inputShape: record.inputShape, outputShape: record.outputShape,
                                 extraInputs: record.extraInputs, extraInputsAt: record.extraInputsAt, output: record.output,
                                 tensors: record.tensors.map(rename).reversed(), buffers: record.buffers.map(rename),
                                 mlp: MLPDescription(layerSizes: [], activation: "relu", outputActivation: record.output, dropout: 0.1))
        }
        try b.load(old, from: "old.h5")
        XCTAssertEqual(outputs(a), outputs(b))
        // A missing tensor is refused with its path, and nothing is changed.
        var broken = old
        broken[1].tensors.removeFirst()
        let c = model(seed: 3), before = outputs(c)
        XCTAssertThrowsError(try c.load(broken, from: "old.h5")) { error in
            XCTAssertTrue("\(error)".hasPrefix("old.h5: /weights/decoder: "), "\(error)")
        }
        XCTAssertEqual(outputs(c), before)
    }
}
