import Glibc
import TensorCore

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

    public mutating func update(_ gradients: [Tensor]) {
        precondition(gradients.count == parameters.count, "Adam: \(gradients.count) gradients for \(parameters.count) parameters")
        step += 1
        let t = Float(step)
        let stepSize = learningRate / (1 - Glibc.powf(beta1, t))
        let rootCorrection = (1 - Glibc.powf(beta2, t)).squareRoot()
        for i in parameters.indices {
            precondition(gradients[i].shape == parameters[i].shape, "Adam: gradient \(gradients[i].shape) for parameter \(parameters[i].shape)")
            apply(i, gradients[i], stepSize: stepSize, rootCorrection: rootCorrection)
        }
    }

    /// One parameter's update, fused into a single pass over p, g, m and v.
    private mutating func apply(_ i: Int, _ gradient: Tensor, stepSize: Float, rootCorrection: Float) {
        let (b1, b2, eps, wd) = (beta1, beta2, epsilon, weightDecay)
        let inverseRoot = 1 / rootCorrection
        gradient.withUnsafeBufferPointer { g in
            m[i].withUnsafeMutableBufferPointer { m in
                v[i].withUnsafeMutableBufferPointer { v in
                    parameters[i].value.withUnsafeMutableBufferPointer { p in
                        for j in 0..<p.count {
                            let gj = wd == 0 ? g[j] : g[j] + wd * p[j]
                            let mj = b1 * m[j] + (1 - b1) * gj
                            let vj = b2 * v[j] + (1 - b2) * gj * gj
                            m[j] = mj
                            v[j] = vj
                            p[j] -= stepSize * mj / (vj.squareRoot() * inverseRoot + eps)
                        }
                    }
                }
            }
        }
    }

    public var state: OptimizerState { OptimizerState(step: step, slots: ["m": m, "v": v]) }

    public mutating func restore(_ state: OptimizerState) throws {
        try checkState(state, names: ["m", "v"], parameters: parameters)
        step = state.step
        m = state.slots["m"]!
        v = state.slots["v"]!
    }
}
