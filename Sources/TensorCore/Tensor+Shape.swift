extension Tensor {
    /// Joins matrices along `axis` (0: stack rows, 1: side by side). All other extents must agree.
    public static func concatenate(_ parts: [Tensor], alongAxis axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "concatenate: no tensors")
        precondition(axis == 0 || axis == 1, "concatenate: axis \(axis) is not 0 or 1")
        precondition(parts.allSatisfy { $0.rank == 2 }, "concatenate: matrices only, got \(parts.map(\.shape))")
        if axis == 0 {
            let n = parts[0].shape[1]
            precondition(parts.allSatisfy { $0.shape[1] == n }, "concatenate: column counts differ in \(parts.map(\.shape))")
            var scalars: [Float] = []
            scalars.reserveCapacity(parts.reduce(0) { $0 + $1.count })
            for p in parts { scalars.append(contentsOf: p.scalars) }
            return Tensor(shape: [parts.reduce(0) { $0 + $1.shape[0] }, n], scalars: scalars)
        }
        let m = parts[0].shape[0]
        precondition(parts.allSatisfy { $0.shape[0] == m }, "concatenate: row counts differ in \(parts.map(\.shape))")
        let n = parts.reduce(0) { $0 + $1.shape[1] }
        return Tensor(shape: [m, n], unsafeUninitialized: { y in
            var offset = 0
            for p in parts {
                let w = p.shape[1]
                p.withUnsafeBufferPointer { x in
                    for i in 0..<m {
                        for j in 0..<w { y[i * n + offset + j] = x[i * w + j] }
                    }
                }
                offset += w
            }
        })
    }

    /// Rows `range` of a matrix: [m, n] -> [range.count, n].
    public func rows(_ range: Range<Int>) -> Tensor {
        precondition(rank == 2 && range.lowerBound >= 0 && range.upperBound <= shape[0],
                     "rows: range \(range) outside shape \(shape)")
        let n = shape[1]
        return Tensor(shape: [range.count, n], scalars: Array(scalars[(range.lowerBound * n)..<(range.upperBound * n)]))
    }

    /// Columns `range` of a matrix: [m, n] -> [m, range.count].
    public func columns(_ range: Range<Int>) -> Tensor {
        precondition(rank == 2 && range.lowerBound >= 0 && range.upperBound <= shape[1],
                     "columns: range \(range) outside shape \(shape)")
        let m = shape[0], n = shape[1], w = range.count, lo = range.lowerBound
        return withUnsafeBufferPointer { x in
            Tensor(shape: [m, w], unsafeUninitialized: { y in
                for i in 0..<m {
                    for j in 0..<w { y[i * w + j] = x[i * n + lo + j] }
                }
            })
        }
    }

    /// The rows at `indices`, in that order (a minibatch): [m, n] -> [indices.count, n].
    public func gatherRows(_ indices: [Int]) -> Tensor {
        precondition(rank == 2, "gatherRows: shape \(shape) is not a matrix")
        let m = shape[0], n = shape[1]
        return withUnsafeBufferPointer { x in
            Tensor(shape: [indices.count, n], unsafeUninitialized: { y in
                for (r, i) in indices.enumerated() {
                    precondition(i >= 0 && i < m, "gatherRows: row \(i) outside shape \(shape)")
                    (y.baseAddress! + r * n).update(from: x.baseAddress! + i * n, count: n)
                }
            })
        }
    }

    /// The transpose of a matrix, as a new tensor: [m, n] -> [n, m]. (Products never need it:
    /// `matmul` reads operands transposed.)
    public func transposed() -> Tensor {
        precondition(rank == 2, "transposed: shape \(shape) is not a matrix")
        let m = shape[0], n = shape[1]
        return withUnsafeBufferPointer { x in
            Tensor(shape: [n, m], unsafeUninitialized: { y in
                for i in 0..<m {
                    for j in 0..<n { y[j * m + i] = x[i * n + j] }
                }
            })
        }
    }
}
