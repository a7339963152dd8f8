import Models
import NeuralNet
import TensorCore
import XCTest

/// Networks from layer lists: what the expansion adds, where extra inputs join, and the
/// problems `Autoencoder.check` names before anything is built.
final class ArchitectureTests: XCTestCase {
    static let convEncoder: [LayerSpec] = [.conv(channels: 4, kernel: 4, stride: 2, padding: 1), .conv(channels: 8, kernel: 4, stride: 2, padding: 1)]
    static let convDecoder: [LayerSpec] = [.dense(outputs: 8 * 7 * 7), .reshape([8, 7, 7]),
                                           .convTranspose(channels: 4, kernel: 4, stride: 2, padding: 1, outputPadding: 0),
                                           .convTranspose(channels: 1, kernel: 4, stride: 2, padding: 1, outputPadding: 0)]

    func convConfig() -> ModelConfig {
        var config = smallConfig()
        config.networks[.encoder] = NetworkOverrides(layers: Self.convEncoder)
        config.networks[.decoder] = NetworkOverrides(layers: Self.convDecoder)
        return config
    }

    /// [batch norm] → activation → [dropout] after every weighted layer but the last, and a
    /// flatten before a dense layer fed with feature maps.
    func testExpansionPlacesTheOptionsAndFlatten() {
        let a = NetworkArchitecture(layers: Self.convEncoder, activation: .elu, dropout: 0.1, batchNorm: true)
        let expanded = a.expanded(input: [1, 28, 28], output: .dense(outputs: 16))
        XCTAssertEqual(expanded.map(\.layer), [
            .conv(channels: 4, kernel: 4, stride: 2, padding: 1), .batchNorm, .activation(.elu), .dropout(rate: 0.1),
            .conv(channels: 8, kernel: 4, stride: 2, padding: 1), .batchNorm, .activation(.elu), .dropout(rate: 0.1),
            .flatten, .dense(outputs: 16)])
        XCTAssertEqual(expanded.map(\.origin), [0, 0, 0, 0, 1, 1, 1, 1, nil, nil])
        // The MLP shorthand gives what the first version's MLP had: no flatten, no dropout at rate 0.
        let mlp = NetworkArchitecture(layers: NetworkArchitecture.dense([32, 32])).expanded(input: [784], output: .dense(outputs: 8))
        XCTAssertEqual(mlp.map(\.layer), [.dense(outputs: 32), .activation(.relu), .dense(outputs: 32), .activation(.relu), .dense(outputs: 8)])
    }

    /// A convolutional model is built with the shapes of its layers and runs on flat batches.
    func testConvolutionalModelShapes() {
        for name in ["aae", "vae", "cvae"] {
            let model = makeModel(name, convConfig())
            XCTAssertEqual(model.encoder.network.inputShape, [1, 28, 28], name)
            XCTAssertEqual(model.decoder.network.outputShape, [1, 28, 28], name)
            let x = Tensor.uniform([3, 784], using: &rngForTests)
            let codes = model.codes(x, labels: [1, 2, 3])
            XCTAssertEqual(codes.shape, [3, 8], name)
            XCTAssertEqual(model.decode(codes, labels: [1, 2, 3]).shape, [3, 784], name)
        }
        // The CVAE's one-hot joins the flattened feature maps at the encoder's code layer.
        let cvae = makeModel("cvae", convConfig())
        let head = cvae.encoder.network.body.layers.compactMap { $0 as? Dense }.first!
        XCTAssertEqual(head.inputs, 8 * 7 * 7 + 10)
        XCTAssertEqual(cvae.encoder.network.joinIndex, cvae.encoder.network.layers.firstIndex(of: .dense(outputs: 16)))
    }

    /// An MLP built from the shorthand draws its weights in the first version's order (encoder,
    /// decoder, discriminator; each layer's weight then bias): the same seed, the same weights.
    func testShorthandDrawsWeightsInTheFirstVersionsOrder() {
        let model = makeModel("aae", smallConfig(hidden: [16]))
        var rng = RandomStream(seed: 1, purpose: "init")
        let sizes = [[784, 16], [16, 8], [8, 16], [16, 784], [8, 16], [16, 1]]
        let expected = sizes.map { Initializer.glorotUniform().weight(out: $0[1], in: $0[0], using: &rng) }
        let actual = (model.encoder.parameters + model.decoder.parameters + model.discriminator!.parameters)
            .map(\.value).filter { $0.rank == 2 }
        XCTAssertEqual(actual, expected)
    }

    func testProblemsNameTheNetworkAndTheWrittenLayer() {
        var config = smallConfig()
        config.networks[.encoder] = NetworkOverrides(layers: [.dense(outputs: 32), .conv(channels: 4, kernel: 3, stride: 1, padding: 0)])
        var problem = Autoencoder.check(family: ModelRegistry.family(named: "ae")!, config: config)
        XCTAssertEqual(problem?.role, .encoder)
        XCTAssertEqual(problem?.layer, 1)
        XCTAssertTrue(problem?.message.contains("a convolution needs an input of [channels, height, width], got 32 features") == true, "\(String(describing: problem))")

        config = convConfig()
        config.networks[.encoder] = NetworkOverrides(layers: [.conv(channels: 4, kernel: 29, stride: 1, padding: 0)])
        problem = Autoencoder.check(family: ModelRegistry.family(named: "ae")!, config: config)
        XCTAssertEqual(problem?.layer, 0)
        XCTAssertTrue(problem?.message.contains("kernel 29 is larger than its input 28×28") == true, "\(String(describing: problem))")

        config = convConfig()
        config.networks[.decoder] = NetworkOverrides(layers: Array(Self.convDecoder.dropLast()))
        problem = Autoencoder.check(family: ModelRegistry.family(named: "vae")!, config: config)
        XCTAssertEqual(problem?.role, .decoder)
        XCTAssertEqual(problem?.layer, 2)
        XCTAssertTrue(problem?.message.contains("the decoder's output is [4, 14, 14], expected the image: [1, 28, 28] or 784 features") == true,
                      "\(String(describing: problem))")

        // A conditional decoder without a dense layer has nowhere for the one-hot to join.
        config = convConfig()
        config.networks[.decoder] = NetworkOverrides(layers: [.reshape([8, 1, 1]), .convTranspose(channels: 1, kernel: 28, stride: 1, padding: 0, outputPadding: 0)])
        XCTAssertNil(Autoencoder.check(family: ModelRegistry.family(named: "vae")!, config: config))
        problem = Autoencoder.check(family: ModelRegistry.family(named: "cvae")!, config: config)
        XCTAssertEqual(problem?.role, .decoder)
        XCTAssertTrue(problem?.message.contains("joins at the first dense layer") == true, "\(String(describing: problem))")
        XCTAssertNil(Autoencoder.check(family: ModelRegistry.family(named: "aae")!, config: convConfig()))
    }

    /// A module's state (parameters and batch-norm buffers) saved and loaded into a fresh one
    /// gives the same outputs; a missing tensor is refused with its name, changing nothing.
    func testStateRoundTripAndRefusal() throws {
        var config = convConfig()
        config.batchNorm = true
        let a = makeModel("ae", config, seed: 1), b = makeModel("ae", config, seed: 2)
        var context = ForwardContext(mode: .training, seed: 3)
        let x = Tensor.uniform([5, 784], using: &rngForTests)
        _ = withoutGradient { tape in a.encoder(tape.constant(x), labels: [0, 0, 0, 0, 0], &context) }   // moves the running statistics
        let state = Dictionary(uniqueKeysWithValues: a.encoder.state.map { ($0.name, $0.value) })
        XCTAssertTrue(state.keys.contains("1.running_mean"), "\(state.keys.sorted())")
        var partial = state
        partial["0.weight"] = nil
        let before = b.encoder.state.map(\.value)
        XCTAssertThrowsError(try b.encoder.load(state: partial)) { XCTAssertEqual(($0 as? ModuleStateError)?.name, "0.weight") }
        XCTAssertEqual(b.encoder.state.map(\.value), before)
        try b.encoder.load(state: state)
        XCTAssertEqual(a.codes(x, labels: [0, 0, 0, 0, 0]), b.codes(x, labels: [0, 0, 0, 0, 0]))
    }
}

nonisolated(unsafe) var rngForTests = RandomStream(seed: 99, purpose: "architecture-tests")
