import NeuralNet
import TensorCore

/// The adversarial autoencoder (Makhzani et al., 2015). Per batch:
/// 1. reconstruction: the reconstruction loss → encoder + decoder;
/// 2. discriminator: −log D(z ~ p) − log(1 − D(q(x))) → discriminator;
/// 3. generator: −log D(q(x)) → encoder.
/// With the option `update` = `.joint(w_r, w_a)`, phases 1 and 3 become one phase on
/// w_r·reconstruction + w_a·generator loss. Generates from the prior.
public enum AAE: ModelFamily {
    public static let name = "aae"
    public static let summary = "adversarial autoencoder; a latent discriminator matches q(z) to the prior"
    public static let hasDiscriminator = true
    public static let options = [updateOption]

    /// The AAE's and CAAE's `update`.
    static let updateOption = FamilyOption(
        "update", .adversarialUpdate, default: .update(.phased),
        "how the encoder is updated against the discriminator: the paper's three phases, or one joint encoder–decoder phase on w_r·reconstruction + w_a·generator loss (weights 0.999 and 0.001 unless given)")

    public static func phases(of model: Autoencoder) -> [Phase] { adversarialPhases(of: model) }

    /// The phases of the AAE and CAAE.
    static func adversarialPhases(of model: Autoencoder) -> [Phase] {
        let discriminator = Phase("discriminator", group: .regularization, parameters: model.discriminator!.parameters) { [unowned model] batch, tape, context in
            let fake = model.encode(batch, tape, &context).z
            let real = tape.constant(model.priorSample(batch.labels.count, labels: batch.labels, &context))
            let loss = discriminatorLoss(model, real: real, fake: fake, labels: batch.labels, &context)
            return LossTerms(total: loss, terms: [("discriminator", loss.value.scalar)])
        }
        switch model.config.option("update", of: model.family).update! {
        case .phased:
            let reconstruction = Phase("reconstruction", group: .reconstruction, parameters: model.autoencoderParameters) { [unowned model] batch, tape, context in
                let loss = model.reconstructionLoss(model.encode(batch, tape, &context).z, batch, &context)
                return LossTerms(total: loss, terms: [("reconstruction", loss.value.scalar)])
            }
            let generator = Phase("generator", group: .regularization, parameters: model.encoderParameters) { [unowned model] batch, tape, context in
                let loss = generatorLoss(model, model.encode(batch, tape, &context).z, labels: batch.labels, &context)
                return LossTerms(total: loss, terms: [("generator", loss.value.scalar)])
            }
            return [reconstruction, discriminator, generator]
        case .joint(let wr, let wa):
            let joint = Phase("reconstruction", group: .reconstruction, parameters: model.autoencoderParameters) { [unowned model] batch, tape, context in
                let z = model.encode(batch, tape, &context).z
                let reconstruction = model.reconstructionLoss(z, batch, &context)
                let generator = generatorLoss(model, z, labels: batch.labels, &context)
                return LossTerms(total: reconstruction * wr + generator * wa,
                                 terms: [("reconstruction", reconstruction.value.scalar), ("generator", generator.value.scalar)])
            }
            return [joint, discriminator]
        }
    }

    /// −log D(real) − log(1 − D(fake)), each averaged over the batch (BCE on logits). The real and
    /// the fake codes go through the discriminator as one batch of 2n rows: it has no batch norm,
    /// so each row's output is what a pass of its own would give, in half the matrix products
    /// (and larger ones, which OpenBLAS runs faster).
    static func discriminatorLoss(_ model: Autoencoder, real: Variable, fake: Variable, labels: [Int],
                                  _ context: inout ForwardContext) -> Variable {
        let n = labels.count
        precondition(model.discriminator?.network.batchNorms.isEmpty ?? true,
                     "AAE.discriminatorLoss: one batch of real and fake codes needs a discriminator without batch norm")
        let logits = model.discriminate(Variable.concatenate([real, fake], alongAxis: 0), labels: labels + labels, &context)
        let targets = Tensor.concatenate([Tensor.ones([n, 1]), Tensor.zeros([n, 1])], alongAxis: 0)
        return binaryCrossEntropy(logits: logits, targets: targets, reduction: .sum) / Float(n)
    }

    /// The non-saturating generator loss −log D(z), averaged over the batch.
    static func generatorLoss(_ model: Autoencoder, _ z: Variable, labels: [Int], _ context: inout ForwardContext) -> Variable {
        let logits = model.discriminate(z, labels: labels, &context)
        return binaryCrossEntropy(logits: logits, targets: Tensor.ones([labels.count, 1]), reduction: .mean)
    }
}

/// The conditional AAE, as the paper's supervised AAE (its Figure 8): the label's one-hot enters
/// the decoder only, so the prior-matched z carries style and the label carries the class; the
/// discriminator sees z alone. Generates from the prior × labels drawn with the training
/// frequencies.
public enum CAAE: ModelFamily {
    public static let name = "caae"
    public static let summary = "conditional (supervised) AAE; labels into the decoder, style in z"
    public static let isConditional = true
    public static let conditionsEncoder = false
    public static let hasDiscriminator = true
    public static let options = [AAE.updateOption]

    public static func phases(of model: Autoencoder) -> [Phase] { AAE.adversarialPhases(of: model) }
}
