import Glibc

/// How the second operand of a binary operation lines up with the first.
///
/// `a` has the result's shape; `b` is the same shape, a scalar (one element), a row
/// (`[n]` or `[1, n]`, repeated down the rows) or a column (`[m, 1]`, repeated across).
@usableFromInline
enum Broadcast {
    case same, scalar, row, column

    @usableFromInline
    static func of(_ a: Tensor, _ b: Tensor, _ what: String) -> Broadcast {
        if a.shape == b.shape { return .same }
        if b.count == 1 { return .scalar }
        if a.rank == 2 {
            if b.count == a.shape[1] && (b.rank == 1 || (b.rank == 2 && b.shape[0] == 1)) { return .row }
            if b.rank == 2 && b.shape == [a.shape[0], 1] { return .column }
        }
        preconditionFailure("\(what): shapes \(a.shape) and \(b.shape) do not broadcast")
    }
}

extension Tensor {
    /// Applies `op` to every element.
    @inlinable
    public func map(_ op: (Float) -> Float) -> Tensor {
        withUnsafeBufferPointer { x in
            Tensor(shape: shape, unsafeUninitialized: { y in
                for i in 0..<x.count { y[i] = op(x[i]) }
            })
        }
    }

    /// Applies `op` to pairs of elements of `a` and `b` (b broadcast as in `Broadcast`).
    /// The result has the shape of the larger operand.
    @inlinable
    public static func zip(_ a: Tensor, _ b: Tensor, _ what: String = "zip",
                           _ op: (Float, Float) -> Float) -> Tensor {
        if a.count < b.count {
            // Put the larger operand first and swap the arguments back inside `op`.
            return zip(b, a, what) { op($1, $0) }
        }
        let mode = Broadcast.of(a, b, what)
        return a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { z in
                Tensor(shape: a.shape, unsafeUninitialized: { y in
                    switch mode {
                    case .same:
                        for i in 0..<x.count { y[i] = op(x[i], z[i]) }
                    case .scalar:
                        let s = z[0]
                        for i in 0..<x.count { y[i] = op(x[i], s) }
                    case .row:
                        let n = z.count
                        var i = 0
                        while i < x.count {
                            for j in 0..<n { y[i + j] = op(x[i + j], z[j]) }
                            i += n
                        }
                    case .column:
                        let n = a.shape[1]
                        for r in 0..<a.shape[0] {
                            let s = z[r]
                            for j in 0..<n { y[r * n + j] = op(x[r * n + j], s) }
                        }
                    }
                })
            }
        }
    }

    /// Applies `op` to three same-shape tensors element by element.
    @inlinable
    public static func zip3(_ a: Tensor, _ b: Tensor, _ c: Tensor,
                            _ op: (Float, Float, Float) -> Float) -> Tensor {
        precondition(a.shape == b.shape && a.shape == c.shape,
                     "zip3: shapes \(a.shape), \(b.shape) and \(c.shape) differ")
        return a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { u in
                c.withUnsafeBufferPointer { v in
                    Tensor(shape: a.shape, unsafeUninitialized: { y in
                        for i in 0..<x.count { y[i] = op(x[i], u[i], v[i]) }
                    })
                }
            }
        }
    }

    /// Adds `other` (same shape) into `self`, times `scale`: self += scale · other.
    public mutating func addInPlace(_ other: Tensor, scale: Float = 1) {
        precondition(shape == other.shape, "addInPlace: shapes \(shape) and \(other.shape) differ")
        other.withUnsafeBufferPointer { g in
            withUnsafeMutableBufferPointer { y in
                for i in 0..<y.count { y[i] += scale * g[i] }
            }
        }
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { zip(a, b, "+") { $0 + $1 } }
    public static func - (a: Tensor, b: Tensor) -> Tensor { zip(a, b, "-") { $0 - $1 } }
    public static func * (a: Tensor, b: Tensor) -> Tensor { zip(a, b, "*") { $0 * $1 } }
    public static func / (a: Tensor, b: Tensor) -> Tensor { zip(a, b, "/") { $0 / $1 } }
    public static func + (a: Tensor, s: Float) -> Tensor { a.map { $0 + s } }
    public static func - (a: Tensor, s: Float) -> Tensor { a.map { $0 - s } }
    public static func * (a: Tensor, s: Float) -> Tensor { a.map { $0 * s } }
    public static func / (a: Tensor, s: Float) -> Tensor { a.map { $0 / s } }
    public static func * (s: Float, a: Tensor) -> Tensor { a.map { s * $0 } }
    public static func + (s: Float, a: Tensor) -> Tensor { a.map { s + $0 } }
    public static func - (s: Float, a: Tensor) -> Tensor { a.map { s - $0 } }
    public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }

    public func squared() -> Tensor { map { $0 * $0 } }
    public func squareRoot() -> Tensor { map { $0.squareRoot() } }
    public func absolute() -> Tensor { map { Swift.abs($0) } }
    public func exp() -> Tensor { map { Glibc.expf($0) } }
    public func log() -> Tensor { map { Glibc.logf($0) } }
    public func tanh() -> Tensor { map { Glibc.tanhf($0) } }
    public func relu() -> Tensor { map { Swift.max($0, 0) } }
    /// 1 / (1 + e^−x), computed without overflow for large |x|.
    public func sigmoid() -> Tensor { map(Tensor.sigmoid) }
    /// log(1 + eˣ), computed without overflow: max(x, 0) + log1p(e^−|x|).
    public func softplus() -> Tensor { map(Tensor.softplus) }

    @inlinable
    public static func sigmoid(_ x: Float) -> Float {
        if x >= 0 { return 1 / (1 + Glibc.expf(-x)) }
        let e = Glibc.expf(x)
        return e / (1 + e)
    }

    @inlinable
    public static func softplus(_ x: Float) -> Float {
        Swift.max(x, 0) + Glibc.log1pf(Glibc.expf(-Swift.abs(x)))
    }

    /// Elementwise clamp into `[lower, upper]`.
    public func clamped(_ lower: Float, _ upper: Float) -> Tensor {
        map { Swift.min(Swift.max($0, lower), upper) }
    }
}
