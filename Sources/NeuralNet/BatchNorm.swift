import TensorCore

/// Batch normalisation, as `torch.nn.BatchNorm1d` over dense features [batch, features] and
/// `torch.nn.BatchNorm2d` over convolutional ones [batch, C, H, W] (statistics per channel over
/// batch, height and width):
/// y = γ · (x − μ) / √(σ² + ε) + β, with μ, σ² the batch statistics in training (biased σ²) and
/// the running statistics in evaluation. Running statistics follow r ← (1 − m)·r + m·batch,
/// with the unbiased batch variance, as PyTorch does.
public final class BatchNorm: Module {
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

    public var features: Int { gamma.shape[0] }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        [("weight", gamma), ("bias", beta)]
    }

    public var namedBuffers: [(name: String, value: Tensor)] {
        [("running_mean", runningMean), ("running_var", runningVariance)]
    }

    public func setBuffer(_ name: String, to value: Tensor) {
        precondition(value.shape == runningMean.shape, "BatchNorm: buffer \(name) of shape \(value.shape) for \(runningMean.shape)")
        switch name {
        case "running_mean": runningMean = value
        case "running_var": runningVariance = value
        default: preconditionFailure("BatchNorm has no buffer \(name)")
        }
    }

    /// Restores saved running statistics (checkpoints, weights files).
    public func setRunningStatistics(mean: Tensor, variance: Tensor) {
        setBuffer("running_mean", to: mean)
        setBuffer("running_var", to: variance)
    }

    /// x: [batch, features] or [batch, features, H, W] -> the same shape.
    public func callAsFunction(_ x: Variable, _ context: inout ForwardContext) -> Variable {
        callAsFunction(x, context)
    }

    public func callAsFunction(_ x: Variable, _ context: ForwardContext) -> Variable {
        precondition(x.value.rank == 2 || x.value.rank == 4, "BatchNorm: input \(x.shape) is neither [batch, features] nor [batch, C, H, W]")
        precondition(x.shape[1] == features, "BatchNorm: input \(x.shape) for \(features) features")
        if x.value.rank == 4 { return spatial(x, context) }
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
        updateRunningStatistics(mean: mean.value, variance: variance.value, count: n)
        return normalised * g + b
    }

    /// r ← (1 − m)·r + m·batch, with the unbiased variance of `count` values per feature.
    func updateRunningStatistics(mean: Tensor, variance: Tensor, count n: Float) {
        let unbiased = n > 1 ? variance * (n / (n - 1)) : variance
        runningMean = runningMean * (1 - momentum) + mean * momentum
        runningVariance = runningVariance * (1 - momentum) + unbiased * momentum
    }
}
