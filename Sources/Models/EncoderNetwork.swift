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

/// The encoder q(z | x [, y]): an MLP over the image (and the label's one-hot, and the noise η),
/// with one of three heads.
public final class EncoderNetwork: Layer {
    public let head: EncoderHead
    public let latent: Int
    public let classes: Int
    public let noiseDimension: Int
    /// Standard deviation of ε in the Gaussian head's reparameterisation.
    public let noiseStd: Float
    public let network: MLP

    /// - Parameters:
    ///   - classes: label classes appended as one-hot to the input (0: unconditional).
    ///   - noiseDimension: the size of η for the universal head.
    ///   - noiseStd: the standard deviation of ε for the Gaussian head (z = μ + σ·ε).
    public init(inputs: Int, hidden: [Int], latent: Int, head: EncoderHead, classes: Int = 0,
                noiseDimension: Int = 0, noiseStd: Float = 1, activation: Activation, dropout: Float, batchNorm: Bool,
                using rng: inout RandomStream) {
        precondition(noiseStd > 0, "EncoderNetwork: noise standard deviation \(noiseStd) is not positive")
        self.head = head
        self.noiseStd = noiseStd
        self.latent = latent
        self.classes = classes
        self.noiseDimension = head == .universal ? noiseDimension : 0
        let input = inputs + classes + self.noiseDimension
        let output = head == .gaussian ? 2 * latent : latent
        network = MLP(sizes: [input] + hidden + [output], activation: activation, dropout: dropout,
                      batchNorm: batchNorm, using: &rng)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { network.namedParameters }

    /// x: [batch, inputs], labels: [batch] (conditional encoders) -> z: [batch, latent].
    /// In evaluation the Gaussian head returns z = μ and the universal head still draws η.
    public func callAsFunction(_ x: Variable, labels: [Int], _ context: inout ForwardContext) -> EncoderOutput {
        let tape = x.tape
        var parts = [x]
        if classes > 0 { parts.append(tape.constant(oneHot(labels, classes: classes))) }
        if noiseDimension > 0 {
            parts.append(tape.constant(Tensor.normal([x.shape[0], noiseDimension], using: &context.noise)))
        }
        let input = parts.count == 1 ? x : Variable.concatenate(parts, alongAxis: 1)
        let h = network(input, &context)
        guard head == .gaussian else { return EncoderOutput(z: h, mean: nil, logVariance: nil) }
        let mu = h.columns(0..<latent), logVariance = h.columns(latent..<(2 * latent))
        guard context.mode == .training || context.samplesPosterior else { return EncoderOutput(z: mu, mean: mu, logVariance: logVariance) }
        let epsilon = tape.constant(noiseStd == 1 ? Tensor.normal(mu.shape, using: &context.noise)
                                                  : Tensor.normal(mu.shape, std: noiseStd, using: &context.noise))
        return EncoderOutput(z: mu + (logVariance * 0.5).exp() * epsilon, mean: mu, logVariance: logVariance)
    }
}

/// A network fed with a code and, when conditional, the label's one-hot: the decoder p(x | z [, y])
/// and the latent discriminator D(z [, y]).
public final class ConditionedMLP: Layer {
    public let classes: Int
    public let network: MLP

    public init(inputs: Int, hidden: [Int], outputs: Int, classes: Int = 0, activation: Activation,
                dropout: Float, batchNorm: Bool, using rng: inout RandomStream) {
        self.classes = classes
        network = MLP(sizes: [inputs + classes] + hidden + [outputs], activation: activation,
                      dropout: dropout, batchNorm: batchNorm, using: &rng)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { network.namedParameters }

    /// z: [batch, inputs] -> logits: [batch, outputs]
    public func callAsFunction(_ z: Variable, labels: [Int], _ context: inout ForwardContext) -> Variable {
        guard classes > 0 else { return network(z, &context) }
        let y = z.tape.constant(oneHot(labels, classes: classes))
        return network(Variable.concatenate([z, y], alongAxis: 1), &context)
    }
}
