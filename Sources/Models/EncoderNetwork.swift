import NeuralNet
import TensorCore

/// How the encoder turns x into z.
public enum EncoderHead: String, Sendable, Codable, CaseIterable {
    /// z = f(x).
    case deterministic
    /// z = μ(x) + σ(x)·ε with ε ~ N(0, I): the MLP outputs μ and log σ² side by side.
    case gaussian
    /// z = f(x, η) with η ~ N(0, I) appended to the input (the AAE paper's universal approximator).
    case universal
}

/// What an encoder produced for a batch.
public struct EncoderOutput {
    /// The code used downstream: [batch, latent].
    public let z: Variable
    /// μ and log σ² for the Gaussian head (nil otherwise).
    public let mean: Variable?
    public let logVariance: Variable?
}

/// The encoder q(z | x [, y]): a network over the image (with the label's one-hot and the noise
/// η joining at its first dense layer), with one of three heads.
public final class EncoderNetwork: Module {
    public let head: EncoderHead
    public let latent: Int
    public let classes: Int
    public let noiseDimension: Int
    /// Standard deviation of ε in the Gaussian head's reparameterisation.
    public let noiseStd: Float
    public let network: Network

    /// - Parameters:
    ///   - architecture: the hidden layers and their options; the head (a dense layer of
    ///     `latent`, or 2·`latent` for the Gaussian head) is appended.
    ///   - classes: label classes whose one-hot joins the input (0: unconditional).
    ///   - noiseDimension: the size of η for the universal head.
    ///   - noiseStd: the standard deviation of ε for the Gaussian head (z = μ + σ·ε).
    public init(image: [Int], architecture: NetworkArchitecture, latent: Int, head: EncoderHead, classes: Int = 0,
                noiseDimension: Int = 0, noiseStd: Float = 1, using rng: inout RandomStream) {
        precondition(noiseStd > 0, "EncoderNetwork: noise standard deviation \(noiseStd) is not positive")
        self.head = head
        self.noiseStd = noiseStd
        self.latent = latent
        self.classes = classes
        self.noiseDimension = head == .universal ? noiseDimension : 0
        let plan = EncoderNetwork.plan(image: image, architecture: architecture, latent: latent, head: head,
                                       classes: classes, noiseDimension: self.noiseDimension)
        network = Network(layers: plan.layers.map(\.layer), input: plan.input, extraWidths: plan.extras,
                          initializer: architecture.initializer, using: &rng)
    }

    /// The expanded layers, the data input's shape and the extra inputs' widths.
    static func plan(image: [Int], architecture: NetworkArchitecture, latent: Int, head: EncoderHead, classes: Int,
                     noiseDimension: Int) -> (layers: [(layer: LayerSpec, origin: Int?)], input: [Int], extras: [Int]) {
        let input = NetworkPlan.input(image: image, startsWithConvolution: architecture.layers.first { $0.isWeighted }.map {
            if case .dense = $0 { false } else { true } } ?? false)
        let output = LayerSpec.dense(outputs: head == .gaussian ? 2 * latent : latent)
        let extras = (classes > 0 ? [classes] : []) + (head == .universal && noiseDimension > 0 ? [noiseDimension] : [])
        return (architecture.expanded(input: input, output: output), input, extras)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { network.namedParameters }
    public var namedBuffers: [(name: String, value: Tensor)] { network.namedBuffers }
    public func setBuffer(_ name: String, to value: Tensor) { network.setBuffer(name, to: value) }

    public func callAsFunction(_ x: Variable, _ context: inout ForwardContext) -> Variable {
        self(x, labels: [Int](repeating: 0, count: x.shape[0]), &context).z
    }

    /// x: [batch, pixels], labels: [batch] (conditional encoders) -> z: [batch, latent].
    /// In evaluation the Gaussian head returns z = μ and the universal head still draws η.
    public func callAsFunction(_ x: Variable, labels: [Int], _ context: inout ForwardContext) -> EncoderOutput {
        let tape = x.tape
        var extras: [Variable] = []
        if classes > 0 { extras.append(tape.constant(oneHot(labels, classes: classes))) }
        if noiseDimension > 0 {
            extras.append(tape.constant(Tensor.normal([x.shape[0], noiseDimension], using: &context.noise)))
        }
        let h = network(x, extras: extras, &context)
        guard head == .gaussian else { return EncoderOutput(z: h, mean: nil, logVariance: nil) }
        let mu = h.columns(0..<latent), logVariance = h.columns(latent..<(2 * latent))
        guard context.mode == .training || context.samplesPosterior else { return EncoderOutput(z: mu, mean: mu, logVariance: logVariance) }
        let epsilon = tape.constant(noiseStd == 1 ? Tensor.normal(mu.shape, using: &context.noise)
                                                  : Tensor.normal(mu.shape, std: noiseStd, using: &context.noise))
        return EncoderOutput(z: mu + (logVariance * 0.5).exp() * epsilon, mean: mu, logVariance: logVariance)
    }
}

/// A network fed with a code and, when conditional, the label's one-hot: the decoder p(x | z [, y])
/// (its output flattened to [batch, pixels]) and the latent discriminator D(z [, y]).
public final class ConditionedNetwork: Module {
    public let classes: Int
    public let network: Network

    public init(layers: [LayerSpec], inputs: Int, classes: Int = 0, initializer: Initializer, using rng: inout RandomStream) {
        self.classes = classes
        network = Network(layers: layers, input: [inputs], extraWidths: classes > 0 ? [classes] : [],
                          initializer: initializer, using: &rng)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { network.namedParameters }
    public var namedBuffers: [(name: String, value: Tensor)] { network.namedBuffers }
    public func setBuffer(_ name: String, to value: Tensor) { network.setBuffer(name, to: value) }

    public func callAsFunction(_ x: Variable, _ context: inout ForwardContext) -> Variable {
        self(x, labels: [Int](repeating: 0, count: x.shape[0]), &context)
    }

    /// z: [batch, inputs] -> logits: [batch, outputs] (flattened).
    public func callAsFunction(_ z: Variable, labels: [Int], _ context: inout ForwardContext) -> Variable {
        let extras = classes > 0 ? [z.tape.constant(oneHot(labels, classes: classes))] : []
        let y = network(z, extras: extras, &context)
        return y.value.rank == 2 ? y : y.reshaped([y.shape[0], y.value.count / Swift.max(y.shape[0], 1)])
    }
}

/// Shapes shared by the networks' plans.
enum NetworkPlan {
    /// A network starting with a convolution sees the image; one starting with a dense layer sees it flat.
    static func input(image: [Int], startsWithConvolution: Bool) -> [Int] {
        startsWithConvolution ? image : [image.reduce(1, *)]
    }
}
