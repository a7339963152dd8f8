import TensorCore

/// Inverted dropout: in training each element is zeroed with probability `rate` and the rest
/// are scaled by 1/(1 − rate), so evaluation is the identity.
public final class Dropout: Module {
    public let rate: Float

    public init(rate: Float) {
        precondition(rate >= 0 && rate < 1, "Dropout: rate \(rate) is not in [0, 1)")
        self.rate = rate
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    public func callAsFunction(_ x: Variable, _ context: inout ForwardContext) -> Variable {
        guard context.mode == .training, rate > 0 else { return x }
        let scale = 1 / (1 - rate)
        // Keep an element when a 32-bit uniform integer is at least rate·2³²: two decisions per
        // 64-bit draw (xoshiro256**'s bits are all of full quality).
        let threshold = UInt64((Double(rate) * 4_294_967_296).rounded())
        let mask = Tensor(shape: x.shape, unsafeUninitialized: { m in
            var i = 0
            while i < m.count {
                let bits = context.dropout.next()
                m[i] = (bits & 0xffff_ffff) >= threshold ? scale : 0
                if i + 1 < m.count { m[i + 1] = (bits >> 32) >= threshold ? scale : 0 }
                i += 2
            }
        })
        return x * x.tape.constant(mask)
    }
}
