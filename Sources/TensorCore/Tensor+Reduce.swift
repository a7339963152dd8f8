import Glibc

extension Tensor {
    /// The sum of all elements, accumulated in Double.
    public func sum() -> Float {
        withUnsafeBufferPointer { x in
            var s = 0.0
            for v in x { s += Double(v) }
            return Float(s)
        }
    }

    /// The mean of all elements.
    public func mean() -> Float { count == 0 ? 0 : sum() / Float(count) }

    /// The largest element.
    public func max() -> Float { scalars.max() ?? -.infinity }

    /// Sums a matrix along `axis`: axis 0 gives `[columns]`, axis 1 gives `[rows, 1]`.
    public func sum(alongAxis axis: Int) -> Tensor {
        reduce(alongAxis: axis, initial: 0, combine: +)
    }

    /// The mean of a matrix along `axis`, shaped as `sum(alongAxis:)`.
    public func mean(alongAxis axis: Int) -> Tensor {
        let n = Float(axis == 0 ? rows : columns)
        return sum(alongAxis: axis) / n
    }

    /// The maximum of a matrix along `axis`, shaped as `sum(alongAxis:)`.
    public func max(alongAxis axis: Int) -> Tensor {
        reduce(alongAxis: axis, initial: -.infinity) { Swift.max($0, $1) }
    }

    /// log Σ exp along `axis`, stable: m + log Σ exp(x − m) with m the maximum.
    /// Shaped as `sum(alongAxis:)`. A slice of all −∞ gives −∞.
    public func logSumExp(alongAxis axis: Int) -> Tensor {
        let m = max(alongAxis: axis)
        let safeM = m.map { $0.isFinite ? $0 : 0 }
        let s = Tensor.zip(self, axis == 0 ? safeM.reshaped([1, columns]) : safeM, "logSumExp") {
            Glibc.expf($0 - $1)
        }.sum(alongAxis: axis)
        return Tensor.zip(s, safeM, "logSumExp") { Glibc.logf($0) + $1 }
    }

    @inlinable
    func reduce(alongAxis axis: Int, initial: Float, combine: (Float, Float) -> Float) -> Tensor {
        precondition(axis == 0 || axis == 1, "reduce: axis \(axis) is not 0 or 1 for shape \(shape)")
        let m = rows, n = columns
        return withUnsafeBufferPointer { x in
            if axis == 0 {
                return Tensor(shape: [n], unsafeUninitialized: { y in
                    for j in 0..<n { y[j] = initial }
                    for i in 0..<m {
                        for j in 0..<n { y[j] = combine(y[j], x[i * n + j]) }
                    }
                })
            }
            return Tensor(shape: [m, 1], unsafeUninitialized: { y in
                for i in 0..<m {
                    var acc = initial
                    for j in 0..<n { acc = combine(acc, x[i * n + j]) }
                    y[i] = acc
                }
            })
        }
    }
}
