import NeuralNet
import TensorCore

/// A member of the family: what differs between AE, VAE, AAE, … . Adding a model is one file
/// with a type conforming to this, plus one line in `ModelRegistry`.
public protocol ModelFamily: Sendable {
    /// The name used in specs and run ids ("aae").
    static var name: String { get }
    /// One line for `--help` and reports.
    static var summary: String { get }
    /// Whether labels enter the decoder (and the generator draws labels).
    static var isConditional: Bool { get }
    /// Whether labels also enter the encoder (default: when conditional).
    static var conditionsEncoder: Bool { get }
    /// Whether the model has a latent discriminator.
    static var hasDiscriminator: Bool { get }
    static var defaultHead: EncoderHead { get }
    /// Whether the loss needs the Gaussian head's μ and log σ² (the VAEs' KL term): another head
    /// is refused where a model is configured (the spec, `aelab train`).
    static var requiresGaussianHead: Bool { get }
    static var defaultReconstruction: ReconstructionLoss { get }
    static var latentSource: LatentSource { get }
    /// The update on one batch, phase by phase, as the paper writes it.
    static func phases(of model: Autoencoder) -> [Phase]
}

extension ModelFamily {
    public static var isConditional: Bool { false }
    public static var conditionsEncoder: Bool { isConditional }
    public static var hasDiscriminator: Bool { false }
    public static var defaultHead: EncoderHead { .deterministic }
    public static var requiresGaussianHead: Bool { false }
    public static var defaultReconstruction: ReconstructionLoss { .bce }
    public static var latentSource: LatentSource { .prior }
}

/// A built model: the shared blocks, the family's phases, and how it generates.
public final class Autoencoder {
    public let family: any ModelFamily.Type
    public let config: ModelConfig
    public let encoder: EncoderNetwork
    public let decoder: ConditionedMLP
    public let discriminator: ConditionedMLP?
    public let reconstruction: ReconstructionLoss
    /// The code distribution fitted after training (plain AE only).
    public var fittedLatent: FittedGaussian?
    /// How often each label occurs in the training set (conditional models sample labels from it).
    public var labelFrequencies: [Float]
    public private(set) var phases: [Phase] = []

    /// Builds the networks, initialised from `rng` (the run's "init" stream).
    public init(family: any ModelFamily.Type, config: ModelConfig, using rng: inout RandomStream) {
        self.family = family
        self.config = config
        let classes = family.isConditional ? config.classes : 0
        encoder = EncoderNetwork(inputs: config.inputs, hidden: config.hidden, latent: config.latent,
                          head: config.encoderHead ?? family.defaultHead,
                          classes: family.conditionsEncoder ? config.classes : 0,
                          noiseDimension: config.noiseDimension, noiseStd: config.encoderNoiseStd,
                          activation: config.activation,
                          dropout: config.dropoutIn.contains(.encoder) ? config.dropout : 0,
                          batchNorm: config.batchNorm, using: &rng)
        decoder = ConditionedMLP(inputs: config.latent, hidden: config.hidden.reversed(), outputs: config.inputs,
                                 classes: classes, activation: config.activation,
                                 dropout: config.dropoutIn.contains(.decoder) ? config.dropout : 0,
                                 batchNorm: config.batchNorm, using: &rng)
        discriminator = family.hasDiscriminator
            ? ConditionedMLP(inputs: config.latent, hidden: config.discriminatorHidden, outputs: 1,
                             activation: config.activation,
                             dropout: config.dropoutIn.contains(.discriminator) ? config.dropout : 0,
                             // No batch norm: real and fake codes share one batch (AAE.discriminatorLoss checks).
                             batchNorm: false, using: &rng)
            : nil
        reconstruction = config.reconstruction ?? family.defaultReconstruction
        labelFrequencies = [Float](repeating: 1 / Float(max(config.classes, 1)), count: config.classes)
        phases = family.phases(of: self)
    }

    /// The networks by name, as stored in run files.
    public var networks: [(name: String, layer: any Layer)] {
        var n: [(String, any Layer)] = [("encoder", encoder), ("decoder", decoder)]
        if let discriminator { n.append(("discriminator", discriminator)) }
        return n
    }

    public var encoderParameters: [Parameter] { encoder.parameters }
    public var autoencoderParameters: [Parameter] { encoder.parameters + decoder.parameters }

    // MARK: the pieces phases are written with

    /// The encoder's output for a batch.
    public func encode(_ batch: Batch, _ tape: Tape, _ context: inout ForwardContext) -> EncoderOutput {
        encoder(tape.constant(batch.images), labels: batch.labels, &context)
    }

    /// The decoder's logits for codes z.
    public func decodeLogits(_ z: Variable, labels: [Int], _ context: inout ForwardContext) -> Variable {
        decoder(z, labels: labels, &context)
    }

    /// The reconstruction loss of the batch from codes z (per image, averaged over the batch).
    public func reconstructionLoss(_ z: Variable, _ batch: Batch, _ context: inout ForwardContext) -> Variable {
        reconstruction(logits: decodeLogits(z, labels: batch.labels, &context), targets: batch.images)
    }

    /// The discriminator's logit that z came from the prior.
    public func discriminate(_ z: Variable, labels: [Int], _ context: inout ForwardContext) -> Variable {
        guard let discriminator else { preconditionFailure("\(family.name) has no discriminator") }
        return discriminator(z, labels: labels, &context)
    }

    /// Prior draws for a batch (labels select mixture components when the prior has them).
    public func priorSample(_ n: Int, labels: [Int], _ context: inout ForwardContext) -> Tensor {
        config.prior.sample(n, dimension: config.latent, labels: labels, using: &context.noise)
    }

    // MARK: using a trained model (evaluation mode, no gradients)

    /// Codes of images: μ for the Gaussian head, f(x) (with fresh η for the universal head).
    public func codes(_ images: Tensor, labels: [Int], noiseSeed: UInt64 = 0) -> Tensor {
        var context = ForwardContext(mode: .evaluation, seed: noiseSeed)
        return withoutGradient { tape in encoder(tape.constant(images), labels: labels, &context).z.value }
    }

    /// Decoded images (pixel means in [0, 1]) of codes z.
    public func decode(_ z: Tensor, labels: [Int]) -> Tensor {
        decode(logitsOf: z, labels: labels).sigmoid()
    }

    /// Reconstructions of images.
    public func reconstruct(_ images: Tensor, labels: [Int]) -> Tensor {
        decode(codes(images, labels: labels), labels: labels)
    }

    /// Prepares generation after training: fits the code Gaussian (plain AE) and the label
    /// frequencies (conditional models) on the training set, in batches.
    public func fitGenerator(images: Tensor, labels: [Int], batchSize: Int = 1000) {
        var counts = [Float](repeating: 0, count: config.classes)
        for label in labels where label >= 0 && label < config.classes { counts[label] += 1 }
        let total = counts.reduce(0, +)
        if total > 0 { labelFrequencies = counts.map { $0 / total } }
        guard family.latentSource == .fittedGaussian else { return }
        var parts: [Tensor] = []
        for start in stride(from: 0, to: images.rows, by: batchSize) {
            let range = start..<min(start + batchSize, images.rows)
            parts.append(codes(images.rows(range), labels: Array(labels[range]), noiseSeed: UInt64(start + 1)))
        }
        fittedLatent = FittedGaussian(fitting: Tensor.concatenate(parts, alongAxis: 0))
    }

    /// Draws labels from the training label frequencies.
    public func sampleLabels(_ n: Int, using rng: inout RandomStream) -> [Int] {
        let cumulative = labelFrequencies.reduce(into: [Float]()) { $0.append(($0.last ?? 0) + $1) }
        return (0..<n).map { _ in
            let u = rng.uniform() * (cumulative.last ?? 1)
            return cumulative.firstIndex { u < $0 } ?? max(cumulative.count - 1, 0)
        }
    }

    /// n generated images [n, pixels] (pixel means) and the labels they were conditioned on.
    public func generate(_ n: Int, using rng: inout RandomStream) -> (images: Tensor, labels: [Int]) {
        let labels = family.isConditional ? sampleLabels(n, using: &rng) : [Int](repeating: 0, count: n)
        let z: Tensor
        switch family.latentSource {
        case .prior:
            z = config.prior.sample(n, dimension: config.latent, labels: family.isConditional ? labels : nil, using: &rng)
        case .standardNormal:
            z = Tensor.normal([n, config.latent], using: &rng)
        case .fittedGaussian:
            guard let fittedLatent else { preconditionFailure("generate: call fitGenerator after training an AE") }
            z = fittedLatent.sample(n, using: &rng)
        }
        return (decode(z, labels: labels), labels)
    }
}
