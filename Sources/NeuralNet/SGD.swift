import TensorCore

/// Stochastic gradient descent with momentum, as `torch.optim.SGD`:
/// g ← g + λ·p; b ← μ·b + g (b = g at the first step); p ← p − lr·b (Nesterov: p ← p − lr·(g + μ·b)).
public struct SGD: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let momentum: Float, weightDecay: Float, nesterov: Bool
    private var buffers: [Tensor]
    private var step = 0

    public init(_ parameters: [Parameter], learningRate: Float, momentum: Float = 0,
                weightDecay: Float = 0, nesterov: Bool = false) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        buffers = parameters.map { Tensor.zeros($0.shape) }
    }

    /// Whether the current step is the first (momentum buffers start as the gradient).
    private var firstStep = false

    public mutating func beginStep() {
        firstStep = step == 0
        step += 1
    }

    public mutating func apply(_ i: Int, gradient: Tensor) {
        precondition(gradient.shape == parameters[i].shape, "SGD: gradient \(gradient.shape) for parameter \(parameters[i].shape)")
        let (lr, mu, wd, first, nesterov) = (learningRate, momentum, weightDecay, firstStep, nesterov)
        gradient.withUnsafeBufferPointer { g in
            buffers[i].withUnsafeMutableBufferPointer { b in
                parameters[i].value.withUnsafeMutableBufferPointer { p in
                    for j in 0..<p.count {
                        let gj = g[j] + wd * p[j]
                        guard mu != 0 else { p[j] -= lr * gj; continue }
                        b[j] = first ? gj : mu * b[j] + gj
                        p[j] -= lr * (nesterov ? gj + mu * b[j] : b[j])
                    }
                }
            }
        }
    }

    public var state: OptimizerState { OptimizerState(step: step, slots: ["momentum": buffers]) }

    public mutating func restore(_ state: OptimizerState) throws {
        try checkState(state, names: ["momentum"], parameters: parameters)
        step = state.step
        buffers = state.slots["momentum"]!
    }
}
