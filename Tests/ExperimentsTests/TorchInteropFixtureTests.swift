import Foundation
import Models
import NeuralNet
import ResultStore
import TensorCore
import XCTest
@testable import Experiments

/// Writes the fixture of the PyTorch check (tests/interop/torch-check): for each of two models,
/// untrained but with batch-norm statistics and affine weights set away from their defaults, the
/// run file (`NAME.h5`, its networks from `networkRecords`) and `NAME.expected.json`: per network,
/// fixed inputs and the network's output on them in evaluation. tests/interop/rebuild_torch.py
/// rebuilds every network as a `torch.nn.Sequential` from the file alone and must get the same
/// outputs. The models:
///
/// - `cvae-conv`: a CVAE with a convolutional encoder (two strided convolutions with batch norm,
///   the label's one-hot joining at the Gaussian head) and a transposed-convolution decoder;
/// - `caae-mlp`: a CAAE of dense layers (hidden [64, 32], leaky relu, batch norm, dropout), the
///   universal encoder's noise η as an extra input, and the latent discriminator.
///
/// Skipped unless `AELAB_TORCH_FIXTURE` names a folder (created if missing):
///
///     AELAB_TORCH_FIXTURE=/tmp/torch swift test --skip-build --filter TorchInteropFixtureTests
final class TorchInteropFixtureTests: XCTestCase {
    /// Examples per batch.
    static let batch = 3

    func testWriteTorchInteropFixture() throws {
        guard let folder = ProcessInfo.processInfo.environment["AELAB_TORCH_FIXTURE"], !folder.isEmpty else {
            throw XCTSkip("AELAB_TORCH_FIXTURE is not set")
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)

        var conv = ModelConfig()
        conv.networks[.encoder] = NetworkOverrides(
            layers: [.conv(channels: 32, kernel: 4, stride: 2, padding: 1), .conv(channels: 64, kernel: 4, stride: 2, padding: 1)],
            batchNorm: true)
        conv.networks[.decoder] = NetworkOverrides(
            layers: [.dense(outputs: 3136), .reshape([64, 7, 7]),
                     .convTranspose(channels: 32, kernel: 4, stride: 2, padding: 1, outputPadding: 0),
                     .convTranspose(channels: 1, kernel: 4, stride: 2, padding: 1, outputPadding: 0)],
            batchNorm: false)
        let convRecords = try writeFixture("cvae-conv", family: "cvae", config: conv, into: folder)
        XCTAssertEqual(try Self.kinds(convRecords[0]),
                       ["conv", "batch_norm", "activation", "conv", "batch_norm", "activation", "flatten", "dense"])
        XCTAssertEqual(convRecords[0].extraInputsAt, 7, "the one-hot joins at the head")
        XCTAssertEqual(try Self.kinds(convRecords[1]),
                       ["dense", "activation", "reshape", "conv_transpose", "activation", "conv_transpose"])

        var mlp = ModelConfig()
        mlp.hidden = [64, 32]
        mlp.discriminatorHidden = [32, 16]
        mlp.activation = .leakyRelu
        mlp.batchNorm = true
        mlp.dropout = 0.2
        mlp.encoderHead = .universal
        let mlpRecords = try writeFixture("caae-mlp", family: "caae", config: mlp, into: folder)
        XCTAssertEqual(mlpRecords.map(\.name), ["encoder", "decoder", "discriminator"])
        XCTAssertFalse(mlpRecords[0].extraInputs.isEmpty, "the universal encoder's η is an extra input")
    }

    /// Builds the model, sets its batch norms away from their defaults, runs each network on
    /// fixed inputs in evaluation and writes `NAME.h5` and `NAME.expected.json`; returns the records.
    @discardableResult
    private func writeFixture(_ name: String, family: String, config: ModelConfig, into folder: String) throws -> [NetworkRecord] {
        let familyType = try XCTUnwrap(ModelRegistry.family(named: family), "no family \(family)")
        var rng = RandomStream(seed: 7, purpose: "init")
        let model = Autoencoder(family: familyType, config: config, using: &rng)
        var inputs = RandomStream(seed: 11, purpose: "inputs")
        var networks: [(name: String, network: Network)] = [("encoder", model.encoder.network), ("decoder", model.decoder.network)]
        if let discriminator = model.discriminator { networks.append(("discriminator", discriminator.network)) }
        for (_, network) in networks { Self.perturbBatchNorms(network, using: &inputs) }

        let records = model.networkRecords
        XCTAssertEqual(records.map(\.name), networks.map(\.name))
        var expected: [String: Any] = [:]
        for (record, (networkName, network)) in zip(records, networks) {
            XCTAssertNotNil(record.layers, networkName)
            let n = Self.batch
            // Images in [0, 1) for the encoder, codes ~ N(0, 1) for the others.
            let x = networkName == "encoder"
                ? Tensor.uniform([n, network.inputShape.reduce(1, *)], using: &inputs)
                : Tensor.normal([n, network.inputShape.reduce(1, *)], using: &inputs)
            let extras = try record.extraInputs.map { item -> Tensor in
                let parts = item.split(separator: ":").map(String.init)
                let width = try XCTUnwrap(parts.count == 2 ? Int(parts[1]) : nil, "extra input \(item)")
                switch parts[0] {
                case "one_hot": return oneHot((0..<n).map { ($0 * 7 + 3) % width }, classes: width)
                default: return Tensor.normal([n, width], using: &inputs)
                }
            }
            let y = withoutGradient { tape -> Tensor in
                var context = ForwardContext.evaluation
                return network(tape.constant(x), extras: extras.map { tape.constant($0) }, &context).value
            }
            XCTAssertEqual(y.shape, [n] + record.outputShape, networkName)
            expected[networkName] = [
                "input": x.scalars.map(Double.init), "input_shape": [n] + record.inputShape,
                "extras": extras.map { $0.scalars.map(Double.init) }, "extra_shapes": extras.map(\.shape),
                "output": y.scalars.map(Double.init), "output_shape": y.shape,
            ] as [String: Any]
        }

        let attributes = RunAttributes(
            experiment: "torch-interop", runID: name, model: family, latentDim: config.latent, dropout: Double(config.dropout),
            seed: 7, dataset: "mnist", status: .complete, spec: "{}", started: "2025-01-01T00:00:00Z",
            finished: "2025-01-01T00:00:01Z", aelabVersion: "test")
        let path = folder + "/\(name).h5"
        try RunFile.write(RunRecord(attributes: attributes, networks: records), to: path)
        XCTAssertEqual(try RunFile.read(path).networks, records, "the records come back as written")
        let json = try JSONSerialization.data(withJSONObject: ["model": name, "networks": expected], options: [.sortedKeys])
        try json.write(to: URL(fileURLWithPath: folder + "/\(name).expected.json"))
        return records
    }

    /// The `kind` of each entry of the record's layer list.
    private static func kinds(_ record: NetworkRecord) throws -> [String] {
        let list = try JSONSerialization.jsonObject(with: Data((record.layers ?? "").utf8)) as? [[String: Any]]
        return try XCTUnwrap(list, record.layers ?? "nil").map { $0["kind"] as? String ?? "?" }
    }

    /// Running statistics, scales and shifts of every batch norm drawn away from 0 and 1, so that
    /// a rebuild that misplaces or ignores them fails.
    private static func perturbBatchNorms(_ network: Network, using rng: inout RandomStream) {
        let norms = Set(network.body.layers.enumerated().filter { $0.element is BatchNorm }.map { String($0.offset) })
        for (name, value) in network.namedBuffers where norms.contains(String(name.prefix { $0 != "." })) {
            network.setBuffer(name, to: name.hasSuffix("running_var")
                ? Tensor.uniform(value.shape, low: 0.5, high: 2, using: &rng)
                : Tensor.normal(value.shape, std: 0.3, using: &rng))
        }
        for (name, parameter) in network.namedParameters where norms.contains(String(name.prefix { $0 != "." })) {
            parameter.value = name.hasSuffix("weight")
                ? Tensor.uniform(parameter.shape, low: 0.5, high: 1.5, using: &rng)
                : Tensor.normal(parameter.shape, std: 0.2, using: &rng)
        }
    }
}
