import NeuralNet
import TensorCore

/// WAE-GAN (Tolstikhin et al., 2018), in the order of the paper's Algorithm 1. Per batch:
/// 1. λ·(−log D(z ~ p) − log(1 − D(q(x)))) → discriminator;
/// 2. c(x, G(z)) + λ·(−log D(q(x))) → encoder + decoder (c: squared L2 by default).
/// Generates from the prior. λ defaults to 1.
public enum WAEGAN: ModelFamily {
    public static let name = "wae-gan"
    public static let summary = "Wasserstein AE with a latent adversary (cost + λ·GAN penalty)"
    public static let hasDiscriminator = true
    public static let defaultReconstruction = ReconstructionLoss.mse
    public static let options = [FamilyOption.positive("lambda", default: 1, "λ, the weight of the GAN penalty on the codes")]

    public static func phases(of model: Autoencoder) -> [Phase] {
        let lambda = Float(model.config.option("lambda", of: WAEGAN.self).number!)
        return [
            Phase("discriminator", group: .regularization, parameters: model.discriminator!.parameters) { [unowned model] batch, tape, context in
                let fake = model.encode(batch, tape, &context).z
                let real = tape.constant(model.priorSample(batch.labels.count, labels: batch.labels, &context))
                let loss = AAE.discriminatorLoss(model, real: real, fake: fake, labels: batch.labels, &context)
                return LossTerms(total: loss * lambda, terms: [("discriminator", loss.value.scalar)])
            },
            Phase("reconstruction", group: .reconstruction, parameters: model.autoencoderParameters) { [unowned model] batch, tape, context in
                let z = model.encode(batch, tape, &context).z
                let cost = model.reconstructionLoss(z, batch, &context)
                let penalty = AAE.generatorLoss(model, z, labels: batch.labels, &context)
                return LossTerms(total: cost + penalty * lambda,
                                 terms: [("reconstruction", cost.value.scalar), ("generator", penalty.value.scalar)])
            },
        ]
    }
}

/// WAE-MMD (Tolstikhin et al., 2018): c(x, G(z)) + λ·MMD²(q(z), p(z)) with the inverse
/// multiquadric kernel k(x, y) = C/(C + ‖x − y‖²), C = 2·d·σ² with σ² the prior's mean
/// second moment per dimension (for N(0, σ²I) the paper's choice). λ defaults to 10. Generates from the prior.
public enum WAEMMD: ModelFamily {
    public static let name = "wae-mmd"
    public static let summary = "Wasserstein AE with an MMD penalty (inverse multiquadric kernel)"
    public static let defaultReconstruction = ReconstructionLoss.mse
    public static let options = [FamilyOption.positive("lambda", default: 10, "λ, the weight of the MMD penalty on the codes")]

    public static func phases(of model: Autoencoder) -> [Phase] {
        let lambda = Float(model.config.option("lambda", of: WAEMMD.self).number!)
        let d = model.config.latent
        let kernel = Kernel.inverseMultiquadric(scale: 2 * Float(d) * model.config.prior.meanSquare(dimension: d))
        return [Phase("reconstruction", group: .reconstruction, parameters: model.autoencoderParameters) { [unowned model] batch, tape, context in
            let z = model.encode(batch, tape, &context).z
            let cost = model.reconstructionLoss(z, batch, &context)
            let prior = tape.constant(model.priorSample(batch.labels.count, labels: batch.labels, &context))
            // The unbiased MMD² needs two codes; a one-image batch (a last partial batch) gets none.
            let mmd = batch.labels.count > 1 ? maximumMeanDiscrepancy(z, prior, kernel: kernel) : tape.constant(Tensor(0))
            return LossTerms(total: cost + mmd * lambda, terms: [("reconstruction", cost.value.scalar), ("mmd", mmd.value.scalar)])
        }]
    }
}
