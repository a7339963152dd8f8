import Glibc
import NeuralNet
import TensorCore

extension Autoencoder {
    /// The importance-sampled estimate of log p(x) for a model with a Gaussian encoder (the bound
    /// of Burda et al., 2016, as VAE papers report it):
    ///
    ///   log p(x) ≈ log (1/K) Σ_k p(x | z_k) p(z_k) / q(z_k | x),   z_k ~ q(z | x),
    ///
    /// with p(z) = N(0, I), q = N(μ(x), diag σ²(x)) and p(x | z) the decoder's Bernoulli
    /// likelihood of the grey levels (−BCE summed over pixels). One value per image, in nats.
    public func importanceSampledLogLikelihood(_ images: Tensor, labels: [Int], samples k: Int, chunk: Int = 1000,
                                               using rng: inout RandomStream) -> [Double] {
        precondition(encoder.head == .gaussian, "importance sampling needs the Gaussian encoder head")
        let d = config.latent
        let logTwoPi = Glibc.log(2 * Double.pi)
        var context = ForwardContext.evaluation
        let posterior = withoutGradient { tape in encoder(tape.constant(images), labels: labels, &context) }
        let mu = posterior.mean!.value, logVariance = posterior.logVariance!.value
        return (0..<images.rows).map { i in
            let x = images.rows(i..<(i + 1))
            let m = mu.rows(i..<(i + 1)), lv = logVariance.rows(i..<(i + 1))
            let sigma = (lv * 0.5).exp()
            let logDetTerm = Double(lv.sum()) * 0.5
            var weights: [Double] = []
            weights.reserveCapacity(k)
            for start in stride(from: 0, to: k, by: chunk) {
                let n = Swift.min(chunk, k - start)
                let eps = Tensor.normal([n, d], using: &rng)
                let z = eps * sigma + m
                let logits = decode(logitsOf: z, labels: Array(repeating: labels[i], count: n))
                let reconstruction = binaryCrossEntropyElements(logits: logits, targets: x).sum(alongAxis: 1).scalars
                let zz = z.squared().sum(alongAxis: 1).scalars, ee = eps.squared().sum(alongAxis: 1).scalars
                for r in 0..<n {
                    let logPrior = -0.5 * Double(zz[r]) - Double(d) / 2 * logTwoPi
                    let logPosterior = -0.5 * Double(ee[r]) - logDetTerm - Double(d) / 2 * logTwoPi
                    weights.append(-Double(reconstruction[r]) + logPrior - logPosterior)
                }
            }
            let top = weights.max()!
            return top + Glibc.log(weights.reduce(0) { $0 + Glibc.exp($1 - top) } / Double(k))
        }
    }

    /// The decoder's logits for codes z (evaluation mode).
    func decode(logitsOf z: Tensor, labels: [Int]) -> Tensor {
        var context = ForwardContext.evaluation
        return withoutGradient { tape in decoder(tape.constant(z), labels: labels, &context).value }
    }
}
