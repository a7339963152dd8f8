extension Variable {
    /// Joins matrices along `axis` (0: rows, 1: columns); the gradient is split back.
    public static func concatenate(_ parts: [Variable], alongAxis axis: Int) -> Variable {
        precondition(!parts.isEmpty, "concatenate: no variables")
        let y = Tensor.concatenate(parts.map(\.value), alongAxis: axis)
        return parts[0].tape.record(y, inputs: parts) { dy, g in
            var offset = 0
            for p in parts {
                let w = axis == 0 ? p.shape[0] : p.shape[1]
                if p.isTracked {
                    g.accumulate(p, axis == 0 ? dy.rows(offset..<(offset + w)) : dy.columns(offset..<(offset + w)))
                }
                offset += w
            }
        }
    }

    /// Columns `range` of a matrix; the gradient lands in those columns.
    public func columns(_ range: Range<Int>) -> Variable {
        tape.record(value.columns(range), inputs: [self]) { [x = self] dy, g in
            let zeros = Tensor.zeros(x.shape)
            let before = zeros.columns(0..<range.lowerBound)
            let after = zeros.columns(range.upperBound..<x.shape[1])
            g.accumulate(x, Tensor.concatenate([before, dy, after], alongAxis: 1))
        }
    }

    /// Rows `range` of a matrix; the gradient lands in those rows.
    public func rows(_ range: Range<Int>) -> Variable {
        tape.record(value.rows(range), inputs: [self]) { [x = self] dy, g in
            let n = x.shape[1]
            var dx = Tensor.zeros(x.shape)
            dx.withUnsafeMutableBufferPointer { d in
                dy.withUnsafeBufferPointer { s in
                    (d.baseAddress! + range.lowerBound * n).update(from: s.baseAddress!, count: s.count)
                }
            }
            g.accumulate(x, dx)
        }
    }

    /// The rows at `indices` (an embedding lookup); gradients of repeated rows add up.
    public func gatherRows(_ indices: [Int]) -> Variable {
        tape.record(value.gatherRows(indices), inputs: [self]) { [x = self] dy, g in
            let n = x.shape[1]
            var dx = Tensor.zeros(x.shape)
            dx.withUnsafeMutableBufferPointer { d in
                dy.withUnsafeBufferPointer { s in
                    for (r, i) in indices.enumerated() {
                        for j in 0..<n { d[i * n + j] += s[r * n + j] }
                    }
                }
            }
            g.accumulate(x, dx)
        }
    }

    /// The same elements with another shape.
    public func reshaped(_ shape: [Int]) -> Variable {
        tape.record(value.reshaped(shape), inputs: [self]) { [x = self] dy, g in
            g.accumulate(x, dy.reshaped(x.shape))
        }
    }
}
