import Glibc

// Differentiable operations. Each backward sits directly under its forward; `dy` is the
// gradient of the loss with respect to the result, `g` collects the inputs' gradients.

extension Tensor {
    /// Sums a broadcast gradient back to the shape of the operand that was broadcast.
    func unbroadcast(to target: [Int]) -> Tensor {
        if shape == target { return self }
        let n = target.reduce(1, *)
        if n == count { return reshaped(target) }
        if n == 1 { return Tensor(shape: target, scalars: [sum()]) }
        if target.count == 2 && target[1] == 1 { return sum(alongAxis: 1).reshaped(target) }
        return sum(alongAxis: 0).reshaped(target)
    }
}

extension Variable {
    // MARK: arithmetic with broadcasting (the second operand may be a scalar, row or column)

    public static func + (a: Variable, b: Variable) -> Variable {
        a.tape.record(a.value + b.value, inputs: [a, b]) { dy, g in
            // y = a + b; da = dy, db = dy summed over broadcast axes
            g.accumulate(a, dy.unbroadcast(to: a.shape))
            g.accumulate(b, dy.unbroadcast(to: b.shape))
        }
    }

    public static func - (a: Variable, b: Variable) -> Variable {
        a.tape.record(a.value - b.value, inputs: [a, b]) { dy, g in
            g.accumulate(a, dy.unbroadcast(to: a.shape))
            if b.isTracked { g.accumulate(b, (-dy).unbroadcast(to: b.shape)) }
        }
    }

    public static func * (a: Variable, b: Variable) -> Variable {
        a.tape.record(a.value * b.value, inputs: [a, b]) { dy, g in
            // y = a·b; da = dy·b, db = dy·a
            if a.isTracked { g.accumulate(a, (dy * b.value).unbroadcast(to: a.shape)) }
            if b.isTracked { g.accumulate(b, (dy * a.value).unbroadcast(to: b.shape)) }
        }
    }

    public static func / (a: Variable, b: Variable) -> Variable {
        a.tape.record(a.value / b.value, inputs: [a, b]) { dy, g in
            // y = a/b; da = dy/b, db = −dy·a/b²
            if a.isTracked { g.accumulate(a, (dy / b.value).unbroadcast(to: a.shape)) }
            if b.isTracked {
                let db = Tensor.zip(dy * a.value, b.value, "/") { -$0 / ($1 * $1) }
                g.accumulate(b, db.unbroadcast(to: b.shape))
            }
        }
    }

    public static func + (a: Variable, s: Float) -> Variable {
        a.tape.record(a.value + s, inputs: [a]) { dy, g in g.accumulate(a, dy) }
    }
    public static func - (a: Variable, s: Float) -> Variable { a + (-s) }
    public static func + (s: Float, a: Variable) -> Variable { a + s }
    public static func - (s: Float, a: Variable) -> Variable { -a + s }

    public static func * (a: Variable, s: Float) -> Variable {
        a.tape.record(a.value * s, inputs: [a]) { dy, g in g.accumulate(a, dy * s) }
    }
    public static func * (s: Float, a: Variable) -> Variable { a * s }
    public static func / (a: Variable, s: Float) -> Variable { a * (1 / s) }

    public static prefix func - (a: Variable) -> Variable { a * -1 }

    // MARK: matrix products

    /// `op(a) · op(b)`. a: [m, k], b: [k, n] -> [m, n] (before the optional transposes).
    public static func matmul(_ a: Variable, _ b: Variable, transposeA ta: Bool = false,
                              transposeB tb: Bool = false) -> Variable {
        a.tape.record(Tensor.matmul(a.value, b.value, transposeA: ta, transposeB: tb), inputs: [a, b]) { dy, g in
            // y = a·b: da = dy·bᵀ, db = aᵀ·dy (with the transposes folded into the GEMM flags)
            if a.isTracked {
                let da = ta ? Tensor.matmul(b.value, dy, transposeA: tb, transposeB: true)
                            : Tensor.matmul(dy, b.value, transposeB: !tb)
                g.accumulate(a, da)
            }
            if b.isTracked {
                let db = tb ? Tensor.matmul(dy, a.value, transposeA: true, transposeB: ta)
                            : Tensor.matmul(a.value, dy, transposeA: !ta)
                g.accumulate(b, db)
            }
        }
    }

    /// The affine map of a `torch.nn.Linear` layer: y = x·wᵀ + b.
    /// x: [batch, in], w: [out, in], b: [out] -> y: [batch, out]; dx = dy·w, dw = dyᵀ·x, db = Σ_batch dy
    public static func affine(_ x: Variable, weight w: Variable, bias b: Variable) -> Variable {
        precondition(x.value.rank == 2 && w.value.rank == 2 && x.shape[1] == w.shape[1] && b.value.count == w.shape[0],
                     "affine: input \(x.shape), weight \(w.shape), bias \(b.shape) do not fit")
        let m = x.shape[0], n = w.shape[0]
        // Bias first, then the GEMM accumulates onto it (beta = 1): no second pass over y.
        var y = b.value.withUnsafeBufferPointer { bias in
            Tensor(shape: [m, n], unsafeUninitialized: { out in
                for i in 0..<m { (out.baseAddress! + i * n).update(from: bias.baseAddress!, count: n) }
            })
        }
        Tensor.gemm(x.value, false, w.value, true, into: &y, alpha: 1, beta: 1)
        return x.tape.record(y, inputs: [x, w, b]) { dy, g in
            if x.isTracked { g.accumulate(x, Tensor.matmul(dy, w.value)) }
            if w.isTracked { g.accumulate(w, Tensor.matmul(dy, x.value, transposeA: true)) }
            if b.isTracked { g.accumulate(b, dy.sum(alongAxis: 0)) }
        }
    }

    // MARK: elementwise functions

    /// y = f(x) with dx = dy · f′ computed from (x, y).
    @inlinable
    func unary(_ f: (Float) -> Float, derivative: @escaping (Float, Float) -> Float) -> Variable {
        let y = value.map(f)
        return tape.record(y, inputs: [self]) { [x = self] dy, g in
            g.accumulate(x, Tensor.zip3(dy, x.value, y) { d, xv, yv in d * derivative(xv, yv) })
        }
    }

    /// max(x, 0); dx = dy where y > 0. Written out (not through `unary`) so that both passes are
    /// plain vectorisable loops: ReLU runs on every hidden layer of every phase.
    public func relu() -> Variable {
        let y = value.map { Swift.max($0, 0) }
        return tape.record(y, inputs: [self]) { [x = self] dy, g in
            g.accumulate(x, Tensor.zip(dy, y, "relu") { $1 > 0 ? $0 : 0 })
        }
    }

    public func leakyRelu(_ slope: Float = 0.2) -> Variable {
        unary({ $0 > 0 ? $0 : slope * $0 }, derivative: { x, _ in x > 0 ? 1 : slope })
    }

    /// ELU: x for x > 0, α(eˣ − 1) otherwise.
    public func elu(_ alpha: Float = 1) -> Variable {
        unary({ $0 > 0 ? $0 : alpha * (Glibc.expf($0) - 1) }, derivative: { x, y in x > 0 ? 1 : y + alpha })
    }

    public func tanh() -> Variable { unary({ Glibc.tanhf($0) }, derivative: { _, y in 1 - y * y }) }
    public func sigmoid() -> Variable { unary(Tensor.sigmoid, derivative: { _, y in y * (1 - y) }) }
    public func softplus() -> Variable { unary(Tensor.softplus, derivative: { x, _ in Tensor.sigmoid(x) }) }
    public func exp() -> Variable { unary({ Glibc.expf($0) }, derivative: { _, y in y }) }
    public func log() -> Variable { unary({ Glibc.logf($0) }, derivative: { x, _ in 1 / x }) }
    public func squared() -> Variable { unary({ $0 * $0 }, derivative: { x, _ in 2 * x }) }
    public func squareRoot() -> Variable { unary({ $0.squareRoot() }, derivative: { _, y in 0.5 / y }) }
    /// |x|, with derivative sign(x) (0 at 0).
    public func absolute() -> Variable {
        unary({ Swift.abs($0) }, derivative: { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) })
    }

    // MARK: reductions

    /// The sum of all elements, as a scalar.
    public func sum() -> Variable {
        tape.record(Tensor(value.sum()), inputs: [self]) { [x = self] dy, g in
            g.accumulate(x, Tensor(repeating: dy.scalar, shape: x.shape))
        }
    }

    /// The mean of all elements, as a scalar.
    public func mean() -> Variable { sum() / Float(Swift.max(value.count, 1)) }

    /// Sums a matrix along `axis`: 0 gives [columns], 1 gives [rows, 1].
    public func sum(alongAxis axis: Int) -> Variable {
        tape.record(value.sum(alongAxis: axis), inputs: [self]) { [x = self] dy, g in
            // dx[i, j] = dy[j] (axis 0) or dy[i] (axis 1): broadcast back
            g.accumulate(x, Tensor.zip(Tensor.zeros(x.shape), axis == 0 ? dy.reshaped([1, dy.count]) : dy) { $1 })
        }
    }

    /// The mean of a matrix along `axis`.
    public func mean(alongAxis axis: Int) -> Variable {
        sum(alongAxis: axis) / Float(axis == 0 ? value.rows : value.columns)
    }

    /// log Σ exp along `axis` (stable); dx = dy · softmax(x) along that axis.
    public func logSumExp(alongAxis axis: Int) -> Variable {
        let y = value.logSumExp(alongAxis: axis)
        return tape.record(y, inputs: [self]) { [x = self] dy, g in
            let yb = axis == 0 ? y.reshaped([1, y.count]) : y
            let dyb = axis == 0 ? dy.reshaped([1, dy.count]) : dy
            let softmax = Tensor.zip(x.value, yb) { $1 == -.infinity ? 0 : Glibc.expf($0 - $1) }
            g.accumulate(x, Tensor.zip(softmax, dyb) { $0 * $1 })
        }
    }

    /// The maximum along `axis`; the gradient goes to the first maximal element.
    public func max(alongAxis axis: Int) -> Variable {
        let y = value.max(alongAxis: axis)
        return tape.record(y, inputs: [self]) { [x = self] dy, g in
            let m = x.value.rows, n = x.value.columns
            var dx = Tensor.zeros(x.shape)
            x.value.withUnsafeBufferPointer { xv in
                dx.withUnsafeMutableBufferPointer { d in
                    if axis == 0 {
                        for j in 0..<n {
                            var best = 0
                            for i in 0..<m where xv[i * n + j] > xv[best * n + j] { best = i }
                            d[best * n + j] = dy.scalars[j]
                        }
                    } else {
                        for i in 0..<m {
                            var best = 0
                            for j in 0..<n where xv[i * n + j] > xv[i * n + best] { best = j }
                            d[i * n + best] = dy.scalars[i]
                        }
                    }
                }
            }
            g.accumulate(x, dx)
        }
    }
}

/// The matrix product of two variables (see `Variable.matmul`).
public func matmul(_ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false) -> Variable {
    Variable.matmul(a, b, transposeA: transposeA, transposeB: transposeB)
}
