import TensorCore

/// Principal components of the rows of a matrix: the eigenvectors of the sample covariance
/// C = (X − μ)ᵀ(X − μ) / (n − 1), by decreasing eigenvalue (cyclic Jacobi rotations on the d×d
/// matrix, fine for d up to a few hundred).
///
/// Signs are fixed so that each component's entry of largest magnitude is positive: the same data
/// always gives the same picture.
struct PrincipalComponents {
    var mean: [Double]
    /// Unit vectors, `components[k]` the k-th; all d of them.
    var components: [[Double]]
    /// The eigenvalues (variances along the components), decreasing.
    var variances: [Double]

    init(_ x: Tensor) {
        let (n, d) = (x.rows, x.columns)
        precondition(n > 1, "principal components need at least two rows, got \(n)")
        let data = x.scalars
        let mean = (0..<d).map { j in stride(from: j, to: n * d, by: d).reduce(0) { $0 + Double(data[$1]) } / Double(n) }
        self.mean = mean
        let centred = Tensor(shape: [n, d], scalars: data.indices.map { data[$0] - Float(mean[$0 % d]) })
        let scatter = Tensor.matmul(centred, centred, transposeA: true)    // [d, d] = Xcᵀ·Xc
        let c = (0..<d).map { a in (0..<d).map { b in Double(scatter[a, b] + scatter[b, a]) / Double(2 * (n - 1)) } }
        let (values, vectors) = Self.jacobi(c)
        let order = values.indices.sorted { values[$0] > values[$1] }
        variances = order.map { max(values[$0], 0) }
        components = order.map { k in
            let v = (0..<d).map { vectors[$0][k] }
            let pivot = v.indices.max { abs(v[$0]) < abs(v[$1]) }!
            return v[pivot] < 0 ? v.map { -$0 } : v
        }
    }

    /// The share of the total variance along component k.
    func explained(_ k: Int) -> Double {
        let total = variances.reduce(0, +)
        return total > 0 ? variances[k] / total : 0
    }

    /// Coordinates of each row of `x` on the first `count` components: (x − μ)·v_k.
    func project(_ x: Tensor, count: Int = 2) -> [[Double]] {
        precondition(x.columns == mean.count, "projecting \(x.columns)-D rows on \(mean.count)-D components")
        return (0..<x.rows).map { i in
            (0..<count).map { k in (0..<mean.count).reduce(0) { $0 + (Double(x[i, $1]) - mean[$1]) * components[k][$1] } }
        }
    }

    /// Eigenvalues and eigenvectors (as the columns of the second result) of the symmetric `a`.
    static func jacobi(_ matrix: [[Double]]) -> ([Double], [[Double]]) {
        var a = matrix
        let d = a.count
        var v = (0..<d).map { i in (0..<d).map { $0 == i ? 1.0 : 0.0 } }
        let total = a.joined().reduce(0) { $0 + $1 * $1 }
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<d { for q in (p + 1)..<d { off += a[p][q] * a[p][q] } }
            if off <= 1e-24 * total { break }
            for p in 0..<d {
                for q in (p + 1)..<d where a[p][q] != 0 {
                    // The rotation by θ with tan 2θ = 2a_pq / (a_qq − a_pp) zeroes a_pq.
                    let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<d {
                        let (akp, akq) = (a[k][p], a[k][q])
                        a[k][p] = c * akp - s * akq
                        a[k][q] = s * akp + c * akq
                    }
                    for k in 0..<d {
                        let (apk, aqk) = (a[p][k], a[q][k])
                        a[p][k] = c * apk - s * aqk
                        a[q][k] = s * apk + c * aqk
                    }
                    for k in 0..<d {
                        let (vkp, vkq) = (v[k][p], v[k][q])
                        v[k][p] = c * vkp - s * vkq
                        v[k][q] = s * vkp + c * vkq
                    }
                }
            }
        }
        return ((0..<d).map { a[$0][$0] }, v)
    }
}
