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
        // Keep an element when a 32-bit uniform integer is at least rate·2³²: two decisions per
        // 64-bit draw (xoshiro256**'s bits are all of full quality).
        let threshold = UInt64((Double(rate) * 4_294_967_296).rounded())
        var keep = [Bool](repeating: false, count: x.value.count)
        var i = 0
        while i < keep.count {
            let bits = context.dropout.next()
            keep[i] = (bits & 0xffff_ffff) >= threshold
            if i + 1 < keep.count { keep[i + 1] = (bits >> 32) >= threshold }
            i += 2
        }
        return self(x, keeping: keep)
    }

    /// The training pass with a given mask (`keep`, one flag per element of x, row-major): the
    /// kept elements scaled by 1/(1 − rate), the others 0. The forward pass above draws the mask;
    /// this lets a test apply another framework's draw.
    public func callAsFunction(_ x: Variable, keeping keep: [Bool]) -> Variable {
        precondition(keep.count == x.value.count, "Dropout: \(keep.count) mask flags for \(x.value.count) elements")
        let scale = 1 / (1 - rate)
        let mask = Tensor(shape: x.shape, unsafeUninitialized: { m in
            for i in 0..<m.count { m[i] = keep[i] ? scale : 0 }
        })
        return x * x.tape.constant(mask)
    }
}
