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

    /// One parameter's update: a single pass over p, g, m and v, sixteen lanes at a time.
    private mutating func apply(_ i: Int, _ gradient: Tensor, stepSize: Float, rootCorrection: Float) {
        let rule = AdamRule(beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay,
                            stepSize: stepSize, inverseRoot: 1 / rootCorrection)
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
        typealias V = SIMD16<Float>
        let (b1, b2, c1, c2) = (V(repeating: beta1), V(repeating: beta2), V(repeating: 1 - beta1), V(repeating: 1 - beta2))
        let (eps, wd, lr, ir) = (V(repeating: epsilon), V(repeating: weightDecay), V(repeating: stepSize), V(repeating: inverseRoot))
        var j = range.lowerBound
        while j + 16 <= range.upperBound {
            let pj = UnsafeRawPointer(p + j).loadUnaligned(as: V.self)
            var gj = UnsafeRawPointer(g + j).loadUnaligned(as: V.self)
            if weightDecay != 0 { gj += wd * pj }
            let mj = b1 * UnsafeRawPointer(m + j).loadUnaligned(as: V.self) + c1 * gj
            let vj = b2 * UnsafeRawPointer(v + j).loadUnaligned(as: V.self) + c2 * gj * gj
            UnsafeMutableRawPointer(m + j).storeBytes(of: mj, as: V.self)
            UnsafeMutableRawPointer(v + j).storeBytes(of: vj, as: V.self)
            UnsafeMutableRawPointer(p + j).storeBytes(of: pj - lr * mj / (vj.squareRoot() * ir + eps), as: V.self)
            j += 16
        }
        while j < range.upperBound {
            let gj = weightDecay != 0 ? g[j] + weightDecay * p[j] : g[j]
            let mj = beta1 * m[j] + (1 - beta1) * gj
            let vj = beta2 * v[j] + (1 - beta2) * gj * gj
            m[j] = mj
            v[j] = vj
            p[j] -= stepSize * mj / (vj.squareRoot() * inverseRoot + epsilon)
            j += 1
        }
    }
}
