import _CBLAS

/// The BLAS thread count used by every matrix product.
public enum BLAS {
    /// Sets the number of OpenBLAS threads (1 … the number of cores).
    public static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(n)) }
    /// The number of OpenBLAS threads in use.
    public static var threads: Int { Int(openblas_get_num_threads()) }
}

extension Tensor {
    /// Matrix product `op(a) · op(b)`, where `op` transposes when asked. Calls `cblas_sgemm` on the
    /// operands in place: a transposed operand is read transposed, never copied.
    ///
    /// a: [m, k] (or [k, m] when `transposeA`), b: [k, n] (or [n, k] when `transposeB`) -> [m, n]
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false,
                              transposeB: Bool = false, alpha: Float = 1) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2, "matmul: operands must be matrices, got \(a.shape) and \(b.shape)")
        let m = transposeA ? a.shape[1] : a.shape[0]
        let k = transposeA ? a.shape[0] : a.shape[1]
        let kb = transposeB ? b.shape[1] : b.shape[0]
        let n = transposeB ? b.shape[0] : b.shape[1]
        precondition(k == kb, "matmul: inner sizes differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
        var c = Tensor(shape: [m, n], unsafeUninitialized: { _ in })
        gemm(a, transposeA, b, transposeB, into: &c, alpha: alpha, beta: 0)
        return c
    }

    /// `c = alpha · op(a) · op(b) + beta · c`: the one place that calls `cblas_sgemm`.
    /// With `beta == 0` the old contents of `c` are never read (BLAS semantics).
    public static func gemm(_ a: Tensor, _ transposeA: Bool, _ b: Tensor, _ transposeB: Bool,
                            into c: inout Tensor, alpha: Float = 1, beta: Float = 0) {
        let m = transposeA ? a.shape[1] : a.shape[0]
        let k = transposeA ? a.shape[0] : a.shape[1]
        let n = transposeB ? b.shape[0] : b.shape[1]
        precondition(c.shape == [m, n], "gemm: output shape \(c.shape), expected \([m, n])")
        if m == 0 || n == 0 { return }
        if k == 0 {
            c.withUnsafeMutableBufferPointer { y in for i in 0..<y.count { y[i] = beta == 0 ? 0 : beta * y[i] } }
            return
        }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    cblas_sgemm(CblasRowMajor,
                                transposeA ? CblasTrans : CblasNoTrans,
                                transposeB ? CblasTrans : CblasNoTrans,
                                Int32(m), Int32(n), Int32(k), alpha,
                                pa.baseAddress, Int32(a.shape[1]),
                                pb.baseAddress, Int32(b.shape[1]),
                                beta, pc.baseAddress, Int32(n))
                }
            }
        }
    }
}
