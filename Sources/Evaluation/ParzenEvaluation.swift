import Glibc
import TensorCore

/// The Parzen protocol of the GAN and AAE papers: σ chosen on a validation set from a grid,
/// then the test set evaluated at that σ alone.
public struct ParzenEvaluation: Sendable, Equatable {
    public let sigmaGrid: [Double]
    /// Mean validation log-likelihood at each σ of the grid.
    public let validationMeans: [Double]
    /// The grid's maximiser of the validation mean.
    public let sigma: Double
    /// log p(x) of each test point at `sigma`.
    public let testLogLikelihoods: [Double]

    /// Mean test log-likelihood.
    public var mean: Double { testLogLikelihoods.reduce(0, +) / Double(max(testLogLikelihoods.count, 1)) }
    /// Standard error of the mean: the sample standard deviation / √n.
    public var standardError: Double {
        let n = Double(testLogLikelihoods.count)
        guard n > 1 else { return .nan }
        let mu = mean
        let variance = testLogLikelihoods.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / (n - 1)
        return (variance / n).squareRoot()
    }

    public init(sigmaGrid: [Double], validationMeans: [Double], sigma: Double, testLogLikelihoods: [Double]) {
        self.sigmaGrid = sigmaGrid
        self.validationMeans = validationMeans
        self.sigma = sigma
        self.testLogLikelihoods = testLogLikelihoods
    }
}

extension ParzenWindow {
    /// Chooses σ on `validation` from `sigmaGrid` and evaluates `test` at it.
    public func evaluate(validation: Tensor, test: Tensor, sigmaGrid: [Double]) -> ParzenEvaluation {
        precondition(!sigmaGrid.isEmpty, "ParzenWindow.evaluate: empty σ grid")
        let byValidation = logLikelihoods(validation, sigmas: sigmaGrid)
        let means = byValidation.map { $0.reduce(0, +) / Double(max($0.count, 1)) }
        let best = means.indices.max { means[$0] < means[$1] }!
        let test = logLikelihoods(test, sigmas: [sigmaGrid[best]])[0]
        return ParzenEvaluation(sigmaGrid: sigmaGrid, validationMeans: means, sigma: sigmaGrid[best], testLogLikelihoods: test)
    }

    /// `count` values from 10^lowExponent to 10^highExponent, evenly spaced in log (numpy's logspace).
    public static func logspace(_ lowExponent: Double, _ highExponent: Double, count: Int) -> [Double] {
        guard count > 1 else { return [Foundation_pow10(lowExponent)] }
        return (0..<count).map { Foundation_pow10(lowExponent + (highExponent - lowExponent) * Double($0) / Double(count - 1)) }
    }
}

@inline(__always)
func Foundation_pow10(_ x: Double) -> Double { Glibc.pow(10, x) }
