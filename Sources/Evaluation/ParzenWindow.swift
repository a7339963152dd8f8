import Glibc
import TensorCore

/// The Parzen-window (kernel density) estimate of the GAN and AAE papers: an isotropic Gaussian
/// of width σ on each of N samples s_j,
///
///   log p(x) = log( (1/N) Σ_j exp(−‖x − s_j‖² / (2σ²)) ) − (d/2)·log(2πσ²).
///
/// Squared distances come from one GEMM per chunk of points (‖x‖² + ‖s‖² − 2x·s), computed once
/// and reused for every σ; the sum over samples is a stable log-sum-exp (the nearest sample's
/// term factored out). Memory: one [chunk, N] block of distances at a time.
public struct ParzenWindow: Sendable {
    /// The samples, [N, d].
    public let samples: Tensor
    private let sampleNorms: Tensor

    public init(samples: Tensor) {
        precondition(samples.rank == 2 && samples.rows > 0, "ParzenWindow: samples of shape \(samples.shape)")
        self.samples = samples
        sampleNorms = samples.squared().sum(alongAxis: 1).reshaped([samples.rows])
    }

    /// log p(x) of every row of `points` [M, d] at every σ: result[s][i] for sigmas[s], point i.
    public func logLikelihoods(_ points: Tensor, sigmas: [Double], chunk: Int = 500) -> [[Double]] {
        precondition(points.rank == 2 && points.columns == samples.columns,
                     "ParzenWindow: points \(points.shape) against samples \(samples.shape)")
        precondition(sigmas.allSatisfy { $0 > 0 }, "ParzenWindow: σ must be positive, got \(sigmas)")
        let m = points.rows, n = samples.rows, d = Double(samples.columns)
        var result = [[Double]](repeating: [Double](repeating: 0, count: m), count: sigmas.count)
        let constants = sigmas.map { -Foundation_log(Double(n)) - d / 2 * Foundation_log(2 * Double.pi * $0 * $0) }
        var buffer = Tensor(shape: [Swift.min(chunk, m), n], unsafeUninitialized: { _ in })
        for start in stride(from: 0, to: m, by: chunk) {
            let rows = start..<Swift.min(start + chunk, m)
            let block = points.rows(rows)
            if buffer.rows != rows.count { buffer = Tensor(shape: [rows.count, n], unsafeUninitialized: { _ in }) }
            // distances: [c, N] = −2·x·sᵀ (+ ‖x‖² and ‖s‖² in the row pass); the buffer is reused.
            Tensor.gemm(block, false, samples, true, into: &buffer, alpha: -2, beta: 0)
            let pointNorms = block.squared().sum(alongAxis: 1).scalars
            let sums = Self.logSumExps(&buffer, points: block, pointNorms: pointNorms, samples: samples,
                                       sampleNorms: sampleNorms, sigmas: sigmas)
            for s in sigmas.indices {
                for (i, row) in rows.enumerated() { result[s][row] = sums[s][i] + constants[s] }
            }
        }
        return result
    }

    /// For each row i and σ: log Σ_j exp(−D_ij / (2σ²)) with D_ij = ‖x_i − s_j‖², rows split over
    /// the cores.
    ///
    /// The GEMM form D̃ = ‖x‖² + ‖s‖² − 2x·s loses digits to cancellation (‖x‖², ‖s‖² are large
    /// next to the distances), and a small σ multiplies those errors by 1/(2σ²). So the samples
    /// that carry the sum at the smallest σ — the set R of those with D̃_j − D̃_min < 12·2σ²_min,
    /// whose terms are within e⁻¹² of the nearest — get their distances recomputed exactly in
    /// Double, and with D_min the exact nearest distance:
    ///   log Σ = −D_min/(2σ²) + log( Σ_{j∈R} e^{−(D_j − D_min)/(2σ²)} + e^{−(D̃_min − D_min)/(2σ²)} · Σ_{j∉R} e^{−(D̃_j − D̃_min)/(2σ²)} ).
    static func logSumExps(_ distances: inout Tensor, points: Tensor, pointNorms: [Float], samples: Tensor,
                           sampleNorms: Tensor, sigmas: [Double]) -> [[Double]] {
        let c = distances.rows, n = distances.columns, d = points.columns
        var out = [Double](repeating: 0, count: sigmas.count * c)   // out[s·c + i]
        let scales = sigmas.map { -1 / (2 * $0 * $0) }
        let window = Float(12 / scales.map(abs).max()!)
        sampleNorms.withUnsafeBufferPointer { norms in
        points.withUnsafeBufferPointer { xs in
        samples.withUnsafeBufferPointer { ss in
        distances.withUnsafeMutableBufferPointer { dist in
        out.withUnsafeMutableBufferPointer { result in
            let base = dist.baseAddress!, results = result.baseAddress!
            parallelRanges(c, chunk: 8) { range in
                for i in range {
                    let row = base + i * n
                    let approximateMin = completeRow(row, n: n, pointNorm: pointNorms[i], sampleNorms: norms.baseAddress!)
                    // R and its exact distances.
                    var near: [(approximate: Float, exact: Double)] = []
                    for j in 0..<n where row[j] - approximateMin < window {
                        near.append((row[j], squaredDistance(xs.baseAddress! + i * d, ss.baseAddress! + j * d, d)))
                    }
                    let exactMin = near.map(\.exact).min()!
                    for (s, scale) in scales.enumerated() {
                        var nearApproximate = 0.0, nearExact = 0.0
                        for t in near {
                            nearApproximate += Glibc.exp(Double(t.approximate - approximateMin) * scale)
                            nearExact += Glibc.exp((t.exact - exactMin) * scale)
                        }
                        let all = sumExp(row, n: n, shift: approximateMin, scale: Float(scale))
                        let rest = Swift.max(all - nearApproximate, 0) * Glibc.exp((Double(approximateMin) - exactMin) * scale)
                        results[s * c + i] = exactMin * scale + Glibc.log(nearExact + rest)
                    }
                }
            }
        }
        }
        }
        }
        }
        return sigmas.indices.map { Array(out[($0 * c)..<(($0 + 1) * c)]) }
    }

    /// Turns row i of −2x·sᵀ into squared distances ≥ 0 in place; returns the smallest.
    @inline(__always)
    static func completeRow(_ row: UnsafeMutablePointer<Float>, n: Int, pointNorm: Float,
                            sampleNorms: UnsafePointer<Float>) -> Float {
        var minimum = Float.infinity
        for j in 0..<n {
            let v = Swift.max(row[j] + pointNorm + sampleNorms[j], 0)
            row[j] = v
            minimum = Swift.min(minimum, v)
        }
        return minimum
    }

    /// ‖x − s‖² in Double.
    @inline(__always)
    static func squaredDistance(_ x: UnsafePointer<Float>, _ s: UnsafePointer<Float>, _ d: Int) -> Double {
        var total = 0.0
        for k in 0..<d { let t = Double(x[k]) - Double(s[k]); total += t * t }
        return total
    }

    /// Σ_j exp((D_j − shift)·scale), sixteen lanes at a time; each term ≤ 1 since scale < 0.
    @inline(__always)
    static func sumExp(_ row: UnsafeMutablePointer<Float>, n: Int, shift: Float, scale: Float) -> Double {
        var acc = SIMD16<Float>(repeating: 0)
        let vShift = SIMD16<Float>(repeating: shift), vScale = SIMD16<Float>(repeating: scale)
        var j = 0
        while j + 16 <= n {
            let d = UnsafeRawPointer(row + j).loadUnaligned(as: SIMD16<Float>.self)
            acc += exp16((d - vShift) * vScale)
            j += 16
        }
        var total = Double(acc.sum())
        while j < n {
            total += Double(Glibc.expf((row[j] - shift) * scale))
            j += 1
        }
        return total
    }
}

@inline(__always)
func Foundation_log(_ x: Double) -> Double { Glibc.log(x) }
