import TensorCore

/// Where a trained model's codes come from when it generates.
public enum LatentSource: Sendable {
    /// The prior p(z) of the configuration (adversarial and Wasserstein models).
    case prior
    /// N(0, I) (variational models).
    case standardNormal
    /// A full-covariance Gaussian fitted to the codes of the training images (the plain AE).
    case fittedGaussian
}

/// A Gaussian N(μ, Σ) fitted to a set of codes, sampled as μ + L·ε with Σ = L·Lᵀ (Cholesky).
public struct FittedGaussian: Sendable, Equatable {
    public let mean: Tensor
    /// The lower-triangular Cholesky factor L of the covariance, [d, d].
    public let cholesky: Tensor

    public init(mean: Tensor, cholesky: Tensor) {
        self.mean = mean
        self.cholesky = cholesky
    }

    /// Fits μ and the (maximum-likelihood) covariance of `codes` [n, d], with 1e-6·I added so the
    /// factorisation exists even for degenerate codes.
    public init(fitting codes: Tensor) {
        let n = codes.rows, d = codes.columns
        let mean = codes.mean(alongAxis: 0)
        var covariance = [Double](repeating: 0, count: d * d)
        codes.withUnsafeBufferPointer { x in
            for r in 0..<n {
                for i in 0..<d {
                    let xi = Double(x[r * d + i] - mean.scalars[i])
                    for j in 0...i { covariance[i * d + j] += xi * Double(x[r * d + j] - mean.scalars[j]) }
                }
            }
        }
        for i in 0..<d {
            for j in 0...i { covariance[i * d + j] /= Double(max(n, 1)) }
            covariance[i * d + i] += 1e-6
        }
        self.init(mean: mean, cholesky: Tensor(shape: [d, d], scalars: FittedGaussian.cholesky(covariance, d).map(Float.init)))
    }

    /// L with A = L·Lᵀ, from the lower triangle of the symmetric positive-definite A [d, d].
    static func cholesky(_ a: [Double], _ d: Int) -> [Double] {
        var l = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0...i {
                var s = a[i * d + j]
                for k in 0..<j { s -= l[i * d + k] * l[j * d + k] }
                l[i * d + j] = i == j ? max(s, 1e-12).squareRoot() : s / l[j * d + j]
            }
        }
        return l
    }

    /// n draws: [n, d].
    public func sample(_ n: Int, using rng: inout RandomStream) -> Tensor {
        let eps = Tensor.normal([n, mean.count], using: &rng)
        return Tensor.matmul(eps, cholesky, transposeB: true) + mean
    }
}
