import TensorCore

/// Inverted dropout: in training each element is zeroed with probability `rate` and the rest
/// are scaled by 1/(1 − rate), so evaluation is the identity.
public struct Dropout: Sendable {
    public let rate: Float

    public init(rate: Float) {
        precondition(rate >= 0 && rate < 1, "Dropout: rate \(rate) is not in [0, 1)")
        self.rate = rate
    }

    public func callAsFunction(_ x: Variable, _ context: inout ForwardContext) -> Variable {
        guard context.mode == .training, rate > 0 else { return x }
        let keep = 1 - rate, scale = 1 / keep
        let mask = Tensor(shape: x.shape, unsafeUninitialized: { m in
            for i in 0..<m.count { m[i] = context.dropout.uniform() < keep ? scale : 0 }
        })
        return x * x.tape.constant(mask)
    }
}
