/// A dense Float32 tensor, row-major, with value semantics.
///
/// Storage is a Swift array, so copies share memory until one of them is written
/// (copy-on-write). Most operations take rank-1 or rank-2 tensors: a batch is
/// `[batch, features]`, a bias or a per-feature statistic is `[features]`.
public struct Tensor: Sendable, Equatable {
    /// The extent of each axis; `[]` is a scalar.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    public private(set) var scalars: [Float]

    /// A tensor holding `scalars` with the given shape.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        precondition(shape.reduce(1, *) == scalars.count,
                     "Tensor: shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A rank-0 tensor.
    public init(_ scalar: Float) {
        self.init(shape: [], scalars: [scalar])
    }

    /// A tensor of `shape` whose elements are all `value`.
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }

    /// A tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// A tensor whose `count` elements are written by `body`, which must initialise all of them.
    @inlinable
    public init(shape: [Int], unsafeUninitialized body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let count = shape.reduce(1, *)
        let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            body(buffer)
            initialized = count
        }
        self.init(shape: shape, scalars: scalars)
    }

    /// The number of elements.
    @inlinable public var count: Int { scalars.count }
    /// The number of axes.
    @inlinable public var rank: Int { shape.count }
    /// Rows of a matrix view: `shape[0]` for rank 2, 1 for a vector or scalar.
    @inlinable public var rows: Int { shape.count == 2 ? shape[0] : 1 }
    /// Columns of a matrix view: `shape[1]` for rank 2, the length for a vector, 1 for a scalar.
    @inlinable public var columns: Int { shape.count == 2 ? shape[1] : (shape.count == 1 ? shape[0] : 1) }

    /// The single element of a one-element tensor.
    public var scalar: Float {
        precondition(count == 1, "Tensor.scalar: tensor of shape \(shape) has \(count) elements")
        return scalars[0]
    }

    /// Element `(row, column)` of a rank-2 tensor.
    public subscript(row: Int, column: Int) -> Float {
        get {
            precondition(rank == 2, "Tensor[row, column]: tensor of shape \(shape) is not a matrix")
            return scalars[row * shape[1] + column]
        }
        set {
            precondition(rank == 2, "Tensor[row, column]: tensor of shape \(shape) is not a matrix")
            scalars[row * shape[1] + column] = newValue
        }
    }

    /// The same elements with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    /// Reads the elements without copying.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    /// Writes the elements in place (copying first only if the storage is shared).
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// True when every element is finite (no NaN, no ±Inf).
    public var isFinite: Bool {
        withUnsafeBufferPointer { p in
            var ok = true
            for x in p where !x.isFinite { ok = false; break }
            return ok
        }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(\(shape): [\(shown)\(count > 8 ? ", …" : "")])"
    }
}
