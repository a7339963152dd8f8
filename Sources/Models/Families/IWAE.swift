import Glibc
import NeuralNet
import TensorCore

/// The importance-weighted autoencoder (Burda et al., 2016): maximises the K-sample bound
///
///   L_K = E[ log (1/K) Σ_k p(x, z_k) / q(z_k | x) ],   z_k ~ q(z | x) = N(μ(x), diag σ²(x)),
///
/// with p(z) = N(0, I) and a Bernoulli decoder; L_1 is the ELBO and L_K rises to log p(x) as K
/// grows. Per image the log weight is log p(x | z_k) − ½‖z_k‖² + ½‖ε_k‖² + ½ Σ log σ² (the
/// 2π terms cancel). Generates from N(0, I); evaluated with the VAE's importance-sampled
/// log-likelihood.
public enum IWAE: ModelFamily {
    public static let name = "iwae"
    public static let summary = "importance-weighted autoencoder; the K-sample bound, samples from N(0, I)"
    public static let defaultHead = EncoderHead.gaussian
    public static let requiresGaussianHead = true
    public static let latentSource = LatentSource.standardNormal
    public static let hasImportanceSampledLikelihood = true
    public static let reconstructionLosses = [ReconstructionLoss.bce]
    public static let options = [
        FamilyOption("samples", .integer(min: 1), default: .integer(5), "K, the importance samples per image in training (1: the VAE's ELBO)"),
    ]

    public static func phases(of model: Autoencoder) -> [Phase] {
        let k = model.config.option("samples", of: IWAE.self).integer!
        return [Phase("reconstruction", group: .reconstruction, parameters: model.autoencoderParameters) { [unowned model] batch, tape, context in
            let (bound, reconstruction) = importanceWeightedBound(model, batch, samples: k, tape, &context)
            return LossTerms(total: -bound, terms: [("reconstruction", reconstruction), ("negative_iwae_bound", -bound.value.scalar)])
        }]
    }

    /// L_K averaged over the batch (a scalar variable), and the reconstruction term −log p(x | z)
    /// averaged over the batch and the K samples (for the tables, as the other models report it).
    static func importanceWeightedBound(_ model: Autoencoder, _ batch: Batch, samples k: Int, _ tape: Tape,
                                        _ context: inout ForwardContext) -> (bound: Variable, reconstruction: Float) {
        let q = model.encode(batch, tape, &context)
        let mu = q.mean!, logVariance = q.logVariance!
        let n = batch.labels.count, d = mu.shape[1]
        // Row s·n + i is sample s of image i.
        let repeated = (0..<k).flatMap { _ in 0..<n }
        let epsilon = Tensor.normal([k * n, d], using: &context.noise)
        let z = mu.gatherRows(repeated) + (logVariance.gatherRows(repeated) * 0.5).exp() * tape.constant(epsilon)
        let targets = batch.images.gatherRows(repeated)
        let logits = model.decodeLogits(z, labels: repeated.map { batch.labels[$0] }, &context)
        let logLikelihood = -binaryCrossEntropy(logits: logits, targets: targets, reduction: .none).sum(alongAxis: 1)
        let logPriorOverPosterior = (z.squared().sum(alongAxis: 1) * -0.5)
            + tape.constant(epsilon.squared().sum(alongAxis: 1) * 0.5)
            + logVariance.gatherRows(repeated).sum(alongAxis: 1) * 0.5
        let logWeights = (logLikelihood + logPriorOverPosterior).reshaped([k, n])
        let bound = (logWeights.logSumExp(alongAxis: 0) - Float(Glibc.log(Double(k)))).mean()
        return (bound, -logLikelihood.value.mean())
    }
}
