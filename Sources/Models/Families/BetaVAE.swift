import NeuralNet
import TensorCore

/// The β-VAE (Higgins et al., 2017): minimises E_q[−log p(x|z)] + β·w·KL(q(z|x) ‖ N(0, I)), with
/// w the KL warm-up: (e + 1)/N in epoch e (from 0) of the first N = `warmup_epochs`, then 1
/// (Bowman et al., 2016; N = 0: no warm-up). Its validation also reports the true −ELBO (β = 1,
/// w = 1), so it compares with the VAE's. Generates from N(0, I).
public enum BetaVAE: ModelFamily {
    public static let name = "beta-vae"
    public static let summary = "β-VAE; reconstruction + β·KL, with an optional linear KL warm-up"
    public static let defaultHead = EncoderHead.gaussian
    public static let requiresGaussianHead = true
    public static let latentSource = LatentSource.standardNormal
    public static let hasImportanceSampledLikelihood = true
    public static let options = [
        FamilyOption.positive("beta", default: 4, "β, the weight of the KL term (1: the VAE)"),
        FamilyOption("warmup_epochs", .integer(min: 0), default: .integer(0),
                     "epochs over which the KL weight rises linearly to β (0: none)"),
    ]

    public static func phases(of model: Autoencoder) -> [Phase] {
        let beta = Float(model.config.option("beta", of: BetaVAE.self).number!)
        let warmup = model.config.option("warmup_epochs", of: BetaVAE.self).integer!
        return [Phase("reconstruction", group: .reconstruction, parameters: model.autoencoderParameters) { [unowned model] batch, tape, context in
            let q = model.encode(batch, tape, &context)
            let reconstruction = model.reconstructionLoss(q.z, batch, &context)
            let kl = gaussianKLDivergence(mean: q.mean!, logVariance: q.logVariance!)
            let weight = beta * klWarmup(epoch: model.epochsCompleted, over: warmup)
            let loss = reconstruction + kl * weight
            return LossTerms(total: loss, terms: [("reconstruction", reconstruction.value.scalar), ("kl", kl.value.scalar),
                                                  ("negative_elbo", reconstruction.value.scalar + kl.value.scalar),
                                                  ("objective", loss.value.scalar)])
        }]
    }

    /// The warm-up factor of epoch `epoch` (from 0): (epoch + 1)/N for the first N epochs, then 1.
    public static func klWarmup(epoch: Int, over n: Int) -> Float {
        n > 0 ? Swift.min(1, Float(epoch + 1) / Float(n)) : 1
    }
}
