import TensorCore
import XCTest

/// Every differentiable operation against central finite differences, on random shapes.
final class GradientTests: XCTestCase {
    func testArithmeticWithEveryBroadcast() {
        let ops: [(String, (Variable, Variable) -> Variable)] = [
            ("+", { $0 + $1 }), ("-", { $0 - $1 }), ("*", { $0 * $1 }), ("/", { $0 / $1 }),
        ]
        for (name, op) in ops {
            let broadcasts: [(String, (Int, Int) -> [Int])] = [
                ("same", { m, n in [m, n] }), ("row", { _, n in [n] }), ("row2", { _, n in [1, n] }),
                ("column", { m, _ in [m, 1] }), ("scalar", { _, _ in [1] }),
            ]
            for (kind, other) in broadcasts {
                assertGradients("\(name) \(kind)", inputs: { s in
                    let m = s.extent(), n = s.extent()
                    // Divisors away from zero.
                    let b = Tensor.uniform(other(m, n), low: 0.5, high: 2, using: &s.rng)
                    return [s.matrix(m, n), b]
                }) { _, v in op(v[0], v[1]) }
            }
        }
    }

    func testScalarArithmetic() {
        assertGradients("x + s, x − s, s − x, x·s, x/s, −x", inputs: { s in [s.matrix(s.extent(), s.extent())] }) { _, v in
            (v[0] + 1.5) * (v[0] - 0.5) + (2 - v[0]) * 3 + v[0] / 4 - v[0] * v[0] + (-v[0])
        }
    }

    func testMatmulEveryTransposeCombination() {
        for ta in [false, true] {
            for tb in [false, true] {
                assertGradients("matmul ta=\(ta) tb=\(tb)", inputs: { s in
                    let m = s.extent(), k = s.extent(), n = s.extent()
                    return [ta ? s.matrix(k, m) : s.matrix(m, k), tb ? s.matrix(n, k) : s.matrix(k, n)]
                }) { _, v in matmul(v[0], v[1], transposeA: ta, transposeB: tb) }
            }
        }
    }

    func testAffine() {
        assertGradients("affine", inputs: { s in
            let b = s.extent(), i = s.extent(), o = s.extent()
            return [s.matrix(b, i), s.matrix(o, i), Tensor.uniform([o], low: -1, high: 1, using: &s.rng)]
        }) { _, v in Variable.affine(v[0], weight: v[1], bias: v[2]) }
    }

    func testActivations() {
        let fs: [(String, (Variable) -> Variable)] = [
            ("relu", { $0.relu() }), ("leakyRelu", { $0.leakyRelu(0.2) }), ("elu", { $0.elu(1) }),
            ("tanh", { $0.tanh() }), ("sigmoid", { $0.sigmoid() }), ("softplus", { $0.softplus() }),
            ("exp", { $0.exp() }), ("squared", { $0.squared() }), ("absolute", { $0.absolute() }),
        ]
        for (name, f) in fs {
            assertGradients(name, inputs: { s in
                // Keep elements away from the kinks at 0, where finite differences straddle them.
                [s.matrix(s.extent(), s.extent()).map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 }]
            }) { _, v in f(v[0]) }
        }
        for (name, f) in [("log", { (x: Variable) in x.log() }), ("squareRoot", { $0.squareRoot() })] {
            assertGradients(name, inputs: { s in [s.matrix(s.extent(), s.extent(), low: 0.5, high: 3)] }) { _, v in f(v[0]) }
        }
    }

    func testReductions() {
        assertGradients("sum, mean", inputs: { s in [s.matrix(s.extent(), s.extent())] }) { _, v in
            v[0].sum() * 0.5 + v[0].mean() * 3
        }
        for axis in [0, 1] {
            assertGradients("sum/mean axis \(axis)", inputs: { s in [s.matrix(s.extent(), s.extent())] }) { _, v in
                v[0].sum(alongAxis: axis).squared() + v[0].mean(alongAxis: axis)
            }
            assertGradients("logSumExp axis \(axis)", inputs: { s in [s.matrix(s.extent(), s.extent(), low: -3, high: 3)] }) { _, v in
                v[0].logSumExp(alongAxis: axis)
            }
            assertGradients("max axis \(axis)", inputs: { s in
                // Distinct values, so the maximum is not at a tie.
                let m = s.extent(), n = s.extent()
                let p = s.rng.permutation(m * n).map { Float($0) * 0.5 }
                return [Tensor(shape: [m, n], scalars: p)]
            }) { _, v in v[0].max(alongAxis: axis) }
        }
    }

    func testShapeOperations() {
        for axis in [0, 1] {
            assertGradients("concatenate axis \(axis)", inputs: { s in
                let m = s.extent(), n = s.extent(), k = s.extent()
                return axis == 0 ? [s.matrix(m, n), s.matrix(k, n)] : [s.matrix(m, n), s.matrix(m, k)]
            }) { _, v in Variable.concatenate([v[0], v[1], v[0]], alongAxis: axis) }
        }
        assertGradients("columns, rows", inputs: { s in [s.matrix(2 + s.extent(), 2 + s.extent())] }) { _, v in
            v[0].columns(1..<2).sum() + v[0].rows(0..<2).squared().sum()
        }
        assertGradients("gatherRows with repeats", inputs: { s in [s.matrix(s.extent(), s.extent())] }) { _, v in
            v[0].gatherRows([0, 0, v[0].shape[0] - 1])
        }
        assertGradients("reshaped", inputs: { s in [s.matrix(2, 3)] }) { _, v in v[0].reshaped([3, 2]).squared() }
    }
}
