import NeuralNet
import TensorCore

/// The variational autoencoder (Kingma & Welling, 2014): minimises −ELBO = E_q[−log p(x|z)] +
/// KL(q(z|x) ‖ N(0, I)), one sample of z per image; generates from N(0, I).
public enum VAE: ModelFamily {
    public static let name = "vae"
    public static let summary = "variational autoencoder; −ELBO = reconstruction + KL, samples from N(0, I)"
    public static let defaultHead = EncoderHead.gaussian
    public static let requiresGaussianHead = true
    public static let latentSource = LatentSource.standardNormal
    public static let hasImportanceSampledLikelihood = true

    public static func phases(of model: Autoencoder) -> [Phase] {
        [Phase("reconstruction", group: .reconstruction, parameters: model.autoencoderParameters) { [unowned model] batch, tape, context in
            negativeELBO(model, batch, tape, &context)
        }]
    }

    /// −ELBO with its two terms; shared with the CVAE.
    static func negativeELBO(_ model: Autoencoder, _ batch: Batch, _ tape: Tape, _ context: inout ForwardContext) -> LossTerms {
        let q = model.encode(batch, tape, &context)
        guard let mu = q.mean, let logVariance = q.logVariance else {
            preconditionFailure("\(model.family.name) needs the Gaussian encoder head")
        }
        let reconstruction = model.reconstructionLoss(q.z, batch, &context)
        let kl = gaussianKLDivergence(mean: mu, logVariance: logVariance)
        let loss = reconstruction + kl
        return LossTerms(total: loss, terms: [("reconstruction", reconstruction.value.scalar),
                                              ("kl", kl.value.scalar), ("negative_elbo", loss.value.scalar)])
    }
}

/// The conditional VAE (Sohn et al., 2015): the label's one-hot enters encoder and decoder;
/// generates from N(0, I) × labels drawn with the training frequencies.
public enum CVAE: ModelFamily {
    public static let name = "cvae"
    public static let summary = "conditional VAE; labels into encoder and decoder"
    public static let isConditional = true
    public static let defaultHead = EncoderHead.gaussian
    public static let requiresGaussianHead = true
    public static let latentSource = LatentSource.standardNormal
    public static let hasImportanceSampledLikelihood = true

    public static func phases(of model: Autoencoder) -> [Phase] {
        [Phase("reconstruction", group: .reconstruction, parameters: model.autoencoderParameters) { [unowned model] batch, tape, context in
            VAE.negativeELBO(model, batch, tape, &context)
        }]
    }
}
