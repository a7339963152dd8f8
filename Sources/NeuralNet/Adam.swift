import Glibc
import TensorCore
import _CKernels

/// Adam (Kingma & Ba, 2015), as `torch.optim.Adam`:
/// g ← g + λ·p (weight decay); m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
/// p ← p − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε).
public struct Adam: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    private var m: [Tensor]
    private var v: [Tensor]
    private var step = 0

    public init(_ parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9,
                beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        m = parameters.map { Tensor.zeros($0.shape) }
        v = m
    }

    /// The bias corrections of the current step, set by `beginStep`.
    private var rule: AdamRule?

    public mutating func beginStep() {
        step += 1
        let t = Float(step)
        let stepSize = learningRate / (1 - Glibc.powf(beta1, t))
        let rootCorrection = (1 - Glibc.powf(beta2, t)).squareRoot()
        rule = AdamRule(beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay,
                        stepSize: stepSize, inverseRoot: 1 / rootCorrection)
    }

    /// One parameter's update: a single vectorised pass over p, g, m and v (`aelab_adam_update`).
    public mutating func apply(_ i: Int, gradient: Tensor) {
        guard let rule else { preconditionFailure("Adam.apply before beginStep") }
        precondition(gradient.shape == parameters[i].shape, "Adam: gradient \(gradient.shape) for parameter \(parameters[i].shape)")
        gradient.withUnsafeBufferPointer { g in
            m[i].withUnsafeMutableBufferPointer { m in
                v[i].withUnsafeMutableBufferPointer { v in
                    parameters[i].value.withUnsafeMutableBufferPointer { p in
                        rule.apply(p: p.baseAddress!, g: g.baseAddress!, m: m.baseAddress!, v: v.baseAddress!, count: p.count)
                    }
                }
            }
        }
    }

    public var state: OptimizerState { OptimizerState(step: step, slots: ["m": m, "v": v]) }

    public mutating func restore(_ state: OptimizerState) throws {
        try checkState(state, names: ["m", "v"], parameters: parameters)
        step = state.step
        rule = nil
        m = state.slots["m"]!
        v = state.slots["v"]!
    }
}

/// Adam's elementwise rule with the step's constants.
struct AdamRule {
    let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    let stepSize: Float, inverseRoot: Float

    /// Updates `count` elements; large tensors are split over the cores (the rule is elementwise,
    /// so any split gives the same bits).
    func apply(p: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
               v: UnsafeMutablePointer<Float>, count: Int) {
        parallelRanges(count) { range in applyRange(p: p, g: g, m: m, v: v, range) }
    }

    private func applyRange(p: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
                            v: UnsafeMutablePointer<Float>, _ range: Range<Int>) {
        let j = range.lowerBound
        aelab_adam_update(p + j, g + j, m + j, v + j, range.count,
                          beta1, beta2, epsilon, weightDecay, stepSize, inverseRoot)
    }
}
