import TensorCore

/// Batch normalisation over the batch axis, as `torch.nn.BatchNorm1d`:
/// y = γ · (x − μ) / √(σ² + ε) + β, with μ, σ² the batch statistics in training (biased σ²) and
/// the running statistics in evaluation. Running statistics follow r ← (1 − m)·r + m·batch,
/// with the unbiased batch variance, as PyTorch does.
public final class BatchNorm1d: Layer {
    public let gamma: Parameter
    public let beta: Parameter
    public private(set) var runningMean: Tensor
    public private(set) var runningVariance: Tensor
    public let momentum: Float
    public let epsilon: Float

    public init(features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        gamma = Parameter(Tensor.ones([features]))
        beta = Parameter(Tensor.zeros([features]))
        runningMean = Tensor.zeros([features])
        runningVariance = Tensor.ones([features])
        self.momentum = momentum
        self.epsilon = epsilon
    }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [("weight", gamma), ("bias", beta)]
    }

    /// Restores saved running statistics (checkpoints, weights files).
    public func setRunningStatistics(mean: Tensor, variance: Tensor) {
        precondition(mean.shape == runningMean.shape && variance.shape == runningVariance.shape,
                     "BatchNorm1d: statistics \(mean.shape), \(variance.shape) for \(runningMean.shape)")
        runningMean = mean
        runningVariance = variance
    }

    /// x: [batch, features] -> [batch, features]
    public func callAsFunction(_ x: Variable, _ context: ForwardContext) -> Variable {
        let tape = x.tape
        let g = tape.watch(gamma), b = tape.watch(beta)
        guard context.mode == .training else {
            let scale = tape.constant((runningVariance + epsilon).map { 1 / $0.squareRoot() })
            return (x - tape.constant(runningMean)) * scale * g + b
        }
        let n = Float(x.shape[0])
        let mean = x.mean(alongAxis: 0)
        let centred = x - mean
        let variance = centred.squared().mean(alongAxis: 0)
        let normalised = centred / (variance + epsilon).squareRoot()
        let unbiased = n > 1 ? variance.value * (n / (n - 1)) : variance.value
        runningMean = runningMean * (1 - momentum) + mean.value * momentum
        runningVariance = runningVariance * (1 - momentum) + unbiased * momentum
        return normalised * g + b
    }
}
