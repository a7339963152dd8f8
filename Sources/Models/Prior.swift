import Glibc
import TensorCore

/// The distribution p(z) that a regularised latent space is pushed towards, and that the
/// adversarial and Wasserstein models sample from.
public enum Prior: Sendable, Equatable {
    /// N(0, σ²I). The AAE paper uses σ = 5 on MNIST.
    case gaussian(std: Float)
    /// k Gaussians with standard deviation `std`, their means evenly spaced on a circle of
    /// `radius` in the first two latent dimensions (the remaining dimensions are N(0, std²)).
    /// Conditioned on label y, the component is y mod k.
    case mixture(components: Int, radius: Float, std: Float)
    /// A swiss roll in the first two dimensions: with u ~ U(0, 1) and r = √u, the point
    /// radius·r·(cos 3πr, sin 3πr); conditioned on label y of `classes`, u is drawn from the
    /// y-th of `classes` equal segments of [0, 1]. The other dimensions are 0.
    case swissRoll(radius: Float, classes: Int)

    /// n draws of dimension `dimension`; `labels` (if given, one per draw) select mixture
    /// components or swiss-roll segments.
    public func sample(_ n: Int, dimension: Int, labels: [Int]? = nil, using rng: inout RandomStream) -> Tensor {
        precondition(labels == nil || labels!.count == n, "Prior.sample: \(labels!.count) labels for \(n) draws")
        switch self {
        case .gaussian(let std):
            return Tensor.normal([n, dimension], std: std, using: &rng)
        case .mixture(let k, let radius, let std):
            var z = Tensor.normal([n, dimension], std: std, using: &rng)
            precondition(dimension >= 2, "Prior.mixture needs at least 2 latent dimensions, got \(dimension)")
            for i in 0..<n {
                let c = labels.map { $0[i] % k } ?? rng.int(below: k)
                let angle = 2 * Float.pi * Float(c) / Float(k)
                z[i, 0] += radius * Glibc.cosf(angle)
                z[i, 1] += radius * Glibc.sinf(angle)
            }
            return z
        case .swissRoll(let radius, let classes):
            precondition(dimension >= 2, "Prior.swissRoll needs at least 2 latent dimensions, got \(dimension)")
            var z = Tensor.zeros([n, dimension])
            for i in 0..<n {
                var u = rng.uniform()
                if let labels { u = (Float(labels[i] % classes) + u) / Float(classes) }
                let r = u.squareRoot()
                let angle = 3 * Float.pi * r
                z[i, 0] = radius * r * Glibc.cosf(angle)
                z[i, 1] = radius * r * Glibc.sinf(angle)
            }
            return z
        }
    }

    /// E‖z‖² / d: the mean second moment per dimension (σ² for N(0, σ²I)).
    public func meanSquare(dimension d: Int) -> Float {
        switch self {
        case .gaussian(let std): return std * std
        case .mixture(_, let radius, let std): return (radius * radius + Float(d) * std * std) / Float(d)
        case .swissRoll(let radius, _): return radius * radius / (2 * Float(d))   // E r² = E u = 1/2
        }
    }

    /// The scale used to place decoder grids and plots: σ for a Gaussian, the radius otherwise.
    public var scale: Float {
        switch self {
        case .gaussian(let std): return std
        case .mixture(_, let radius, let std): return radius + 2 * std
        case .swissRoll(let radius, _): return radius
        }
    }
}
