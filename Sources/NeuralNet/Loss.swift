import _CKernels
import Glibc
import TensorCore

/// How per-element losses become one number.
public enum Reduction: Sendable {
    /// The mean over every element (PyTorch's default).
    case mean
    /// The sum over every element.
    case sum
    /// Summed over features, averaged over the batch: the per-example loss of VAE papers.
    case sumOverFeatures
    /// None: the per-element losses, of the input's shape.
    case none
}

extension Variable {
    /// Applies `reduction` to a [batch, features] matrix of per-element losses.
    func reduced(_ reduction: Reduction) -> Variable {
        switch reduction {
        case .mean: return mean()
        case .sum: return sum()
        case .sumOverFeatures: return sum() / Float(Swift.max(value.rows, 1))
        case .none: return self
        }
    }
}

/// Binary cross-entropy of `targets` ∈ [0, 1] under Bernoulli probabilities σ(logits), computed
/// from the logits without overflow: ℓ = max(l, 0) − l·t + log(1 + e^−|l|); ∂ℓ/∂l = σ(l) − t.
public func binaryCrossEntropy(logits: Variable, targets: Tensor, reduction: Reduction = .mean) -> Variable {
    precondition(logits.shape == targets.shape, "binaryCrossEntropy: logits \(logits.shape), targets \(targets.shape)")
    let perElement = logits.tape.record(binaryCrossEntropyElements(logits: logits.value, targets: targets), inputs: [logits]) { dy, g in
        precondition(dy.count == logits.value.count, "binaryCrossEntropy: gradient \(dy.shape) for logits \(logits.shape)")
        g.accumulate(logits, Tensor(shape: logits.shape, unsafeUninitialized: { dx in
            guard dx.count > 0 else { return }
            dy.withUnsafeBufferPointer { d in
                logits.value.withUnsafeBufferPointer { l in
                    targets.withUnsafeBufferPointer { t in
                        aelab_bce_logits_gradient(d.baseAddress!, l.baseAddress!, t.baseAddress!, dx.baseAddress!, dx.count)
                    }
                }
            }
        }))
    }
    return perElement.reduced(reduction)
}

/// The per-element binary cross-entropy max(l, 0) − l·t + log(1 + e^−|l|) (no gradient): `targets`
/// of the shape of `logits`, or one row [1, columns] that every row of `logits` is compared with.
/// Vectorised C loops (`aelab_bce_logits`): glibc's expf and log1pf are scalar calls, which made
/// this the largest cost of a training step outside the GEMMs.
public func binaryCrossEntropyElements(logits: Tensor, targets: Tensor) -> Tensor {
    let broadcast = targets.shape != logits.shape
    precondition(!broadcast || (logits.rank == 2 && targets.shape == [1, logits.columns]),
                 "binaryCrossEntropyElements: logits \(logits.shape), targets \(targets.shape)")
    return Tensor(shape: logits.shape, unsafeUninitialized: { out in
        guard out.count > 0 else { return }
        logits.withUnsafeBufferPointer { l in
            targets.withUnsafeBufferPointer { t in
                if broadcast {
                    let n = logits.columns
                    for r in 0..<logits.rows {
                        aelab_bce_logits(l.baseAddress! + r * n, t.baseAddress!, out.baseAddress! + r * n, n)
                    }
                } else {
                    aelab_bce_logits(l.baseAddress!, t.baseAddress!, out.baseAddress!, out.count)
                }
            }
        }
    })
}

/// Squared error (x − y)².
public func meanSquaredError(_ x: Variable, _ y: Variable, reduction: Reduction = .mean) -> Variable {
    (x - y).squared().reduced(reduction)
}

/// Absolute error |x − y|.
public func meanAbsoluteError(_ x: Variable, _ y: Variable, reduction: Reduction = .mean) -> Variable {
    (x - y).absolute().reduced(reduction)
}

/// KL( N(μ, diag σ²) ‖ N(0, I) ) per example, averaged over the batch:
/// ½ Σ_j (μ_j² + σ_j² − log σ_j² − 1), with `logVariance` = log σ².
public func gaussianKLDivergence(mean mu: Variable, logVariance: Variable) -> Variable {
    let perElement = (mu.squared() + logVariance.exp() - logVariance - 1) * 0.5
    return perElement.reduced(.sumOverFeatures)
}

/// A positive-definite kernel for MMD.
public enum Kernel: Sendable, Equatable {
    /// Inverse multiquadric k(x, y) = C / (C + ‖x − y‖²), as in WAE (Tolstikhin et al., 2018).
    case inverseMultiquadric(scale: Float)
    /// Gaussian RBF k(x, y) = exp(−‖x − y‖² / (2h²)).
    case rbf(bandwidth: Float)

    func callAsFunction(_ squaredDistance: Variable) -> Variable {
        switch self {
        case .inverseMultiquadric(let c):
            return c / (squaredDistance + c)
        case .rbf(let h):
            return (squaredDistance * (-1 / (2 * h * h))).exp()
        }
    }
}

extension Variable {
    /// Reciprocal scaled: c / x.
    static func / (c: Float, x: Variable) -> Variable {
        x.tape.record(x.value.map { c / $0 }, inputs: [x]) { dy, g in
            g.accumulate(x, Tensor.zip(dy, x.value) { d, v in -d * c / (v * v) })
        }
    }
}

/// Squared distances between the rows of x [n, d] and y [m, d]: ‖x_i‖² + ‖y_j‖² − 2 x_i·y_j -> [n, m].
public func pairwiseSquaredDistances(_ x: Variable, _ y: Variable) -> Variable {
    let xx = x.squared().sum(alongAxis: 1)                         // [n, 1]
    let yy = y.squared().sum(alongAxis: 1).reshaped([1, y.shape[0]])  // [1, m]
    // [n, m] + [n, 1] (a column) + [1, m] (a row): each sum broadcasts one operand.
    return matmul(x, y, transposeB: true) * -2 + xx + yy
}

/// The unbiased estimate of MMD² between samples x [n, d] and y [m, d] under `kernel`:
/// 1/(n(n−1)) Σ_{i≠j} k(x_i, x_j) + 1/(m(m−1)) Σ_{i≠j} k(y_i, y_j) − 2/(nm) Σ_{i,j} k(x_i, y_j).
public func maximumMeanDiscrepancy(_ x: Variable, _ y: Variable, kernel: Kernel) -> Variable {
    let n = Float(x.shape[0]), m = Float(y.shape[0])
    precondition(n > 1 && m > 1 && x.shape[1] == y.shape[1], "MMD: samples \(x.shape) and \(y.shape)")
    let kxx = kernel(pairwiseSquaredDistances(x, x))
    let kyy = kernel(pairwiseSquaredDistances(y, y))
    let kxy = kernel(pairwiseSquaredDistances(x, y))
    let xxTerm = (kxx * x.tape.constant(offDiagonal(x.shape[0]))).sum() / (n * (n - 1))
    let yyTerm = (kyy * y.tape.constant(offDiagonal(y.shape[0]))).sum() / (m * (m - 1))
    return xxTerm + yyTerm - kxy.sum() * (2 / (n * m))
}

/// The [n, n] matrix of ones with zeros on the diagonal.
func offDiagonal(_ n: Int) -> Tensor {
    var t = Tensor.ones([n, n])
    t.withUnsafeMutableBufferPointer { y in for i in 0..<n { y[i * n + i] = 0 } }
    return t
}
