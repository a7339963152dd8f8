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
    /// Whether the model has a latent discriminator (an adversarial family).
    static var hasDiscriminator: Bool { get }
    /// Whether `aelab` estimates log p(x) by importance sampling from the Gaussian encoder (the
    /// VAEs: p(z) = N(0, I) and a Bernoulli decoder make the bound the model's own).
    static var hasImportanceSampledLikelihood: Bool { get }
    /// The options it reads from `model_options.MODEL`, with their defaults and checks.
    static var options: [FamilyOption] { get }
    static var defaultHead: EncoderHead { get }
    /// Whether the loss needs the Gaussian head's μ and log σ² (the VAEs' KL term): another head
    /// is refused where a model is configured (the spec, `aelab train`).
    static var requiresGaussianHead: Bool { get }
    static var defaultReconstruction: ReconstructionLoss { get }
    /// The reconstruction losses its objective admits (the IWAE's bound needs the Bernoulli one).
    static var reconstructionLosses: [ReconstructionLoss] { get }
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
    public static var hasImportanceSampledLikelihood: Bool { false }
    public static var options: [FamilyOption] { [] }
    public static var reconstructionLosses: [ReconstructionLoss] { ReconstructionLoss.allCases }
}

/// A built model: the shared blocks, the family's phases, and how it generates.
public final class Autoencoder {
    public let family: any ModelFamily.Type
    public let config: ModelConfig
    public let encoder: EncoderNetwork
    public let decoder: ConditionedNetwork
    public let discriminator: ConditionedNetwork?
    public let reconstruction: ReconstructionLoss
    /// The code distribution fitted after training (plain AE only).
    public var fittedLatent: FittedGaussian?
    /// How often each label occurs in the training set (conditional models sample labels from it).
    public var labelFrequencies: [Float]
    public private(set) var phases: [Phase] = []
    /// Training epochs completed before the current one (the trainer sets it; schedules inside
    /// a family's loss, such as β-VAE's KL warm-up, read it).
    public var epochsCompleted = 0

    /// Builds the networks, initialised from `rng` (the run's "init" stream), in the order
    /// encoder, decoder, discriminator. `config` must pass `Autoencoder.check`.
    public init(family: any ModelFamily.Type, config: ModelConfig, using rng: inout RandomStream) {
        if let problem = Autoencoder.check(family: family, config: config) { preconditionFailure("Autoencoder: \(problem)") }
        self.family = family
        self.config = config
        let plans = Autoencoder.plans(family: family, config: config)
        let encoderArchitecture = config.architecture(.encoder)
        encoder = EncoderNetwork(image: config.imageShape, architecture: encoderArchitecture, latent: config.latent,
                                 head: config.encoderHead ?? family.defaultHead,
                                 classes: family.conditionsEncoder ? config.classes : 0,
                                 noiseDimension: config.noiseDimension, noiseStd: config.encoderNoiseStd, using: &rng)
        decoder = ConditionedNetwork(layers: plans.decoder.map(\.layer), inputs: config.latent,
                                     classes: family.isConditional ? config.classes : 0,
                                     initializer: config.architecture(.decoder).initializer, using: &rng)
        discriminator = plans.discriminator.map {
            ConditionedNetwork(layers: $0.map(\.layer), inputs: config.latent,
                               initializer: config.architecture(.discriminator).initializer, using: &rng)
        }
        reconstruction = config.reconstruction ?? family.defaultReconstruction
        labelFrequencies = [Float](repeating: 1 / Float(max(config.classes, 1)), count: config.classes)
        phases = family.phases(of: self)
    }

    /// The expanded layers of each network (each with the written layer it comes from).
    static func plans(family: any ModelFamily.Type, config: ModelConfig)
        -> (encoder: [(layer: LayerSpec, origin: Int?)], decoder: [(layer: LayerSpec, origin: Int?)],
            discriminator: [(layer: LayerSpec, origin: Int?)]?) {
        let encoder = EncoderNetwork.plan(image: config.imageShape, architecture: config.architecture(.encoder),
                                          latent: config.latent, head: config.encoderHead ?? family.defaultHead,
                                          classes: family.conditionsEncoder ? config.classes : 0,
                                          noiseDimension: config.noiseDimension).layers
        let decoder = config.architecture(.decoder).expanded(input: [config.latent], output: nil)
        let discriminator = family.hasDiscriminator
            ? config.architecture(.discriminator).expanded(input: [config.latent], output: .dense(outputs: 1)) : nil
        return (encoder, decoder, discriminator)
    }

    /// Each network's expanded layers with its data input's shape and the width of the extra
    /// inputs joined at its first dense layer.
    static func plannedNetworks(family: any ModelFamily.Type, config: ModelConfig)
        -> [(role: NetworkRole, plan: [(layer: LayerSpec, origin: Int?)], input: [Int], extra: Int)] {
        let plans = plans(family: family, config: config)
        let head = config.encoderHead ?? family.defaultHead
        let encoderArchitecture = config.architecture(.encoder)
        let encoderInput = NetworkPlan.input(image: config.imageShape, startsWithConvolution: encoderArchitecture.layers.first { $0.isWeighted }.map {
            if case .dense = $0 { false } else { true } } ?? false)
        let encoderExtra = (family.conditionsEncoder ? config.classes : 0) + (head == .universal ? config.noiseDimension : 0)
        let classes = family.isConditional ? config.classes : 0
        var networks: [(role: NetworkRole, plan: [(layer: LayerSpec, origin: Int?)], input: [Int], extra: Int)] = [
            (.encoder, plans.encoder, encoderInput, encoderExtra), (.decoder, plans.decoder, [config.latent], classes)]
        if let d = plans.discriminator { networks.append((.discriminator, d, [config.latent], 0)) }
        return networks
    }

    /// Why `config` cannot make this family's networks (a layer that does not fit its input, a
    /// decoder whose output is not the image), or nil when it can.
    public static func check(family: any ModelFamily.Type, config: ModelConfig) -> ArchitectureProblem? {
        for (role, plan, input, extra) in plannedNetworks(family: family, config: config) {
            if role == .decoder && !plan.contains(where: { $0.layer.isWeighted }) {
                return ArchitectureProblem(role: role, layer: nil, message: "expected at least one layer: the decoder's last layer gives the image")
            }
            let layers = plan.map(\.layer)
            let join = layers.firstIndex { if case .dense = $0 { true } else { false } }
            switch Network.shapes(layers, input: input, extra: extra, joinIndex: join) {
            case .failure(let failure):
                return ArchitectureProblem(role: role, layer: failure.layer.flatMap { plan[$0].origin }, message: failure.message)
            case .success(let shapes):
                guard role == .decoder else { continue }
                let output = shapes.last!
                if output != config.imageShape && output != [config.inputs] {
                    return ArchitectureProblem(role: role, layer: plan.last?.origin,
                                               message: "the decoder's output is \(LayerSpec.describe(output)), expected the image: \(LayerSpec.describe(config.imageShape)) or \(config.inputs) features")
                }
            }
        }
        return nil
    }

    /// The networks by name, as stored in run files.
    public var networks: [(name: String, layer: any Module)] {
        var n: [(String, any Module)] = [("encoder", encoder), ("decoder", decoder)]
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
