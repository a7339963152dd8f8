import TensorCore
import XCTest

final class TensorTests: XCTestCase {
    func testBroadcastingArithmetic() {
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual((a + Tensor(shape: [3], scalars: [10, 20, 30])).scalars, [11, 22, 33, 14, 25, 36])
        XCTAssertEqual((a * Tensor(shape: [2, 1], scalars: [2, 3])).scalars, [2, 4, 6, 12, 15, 18])
        XCTAssertEqual((Tensor(shape: [1, 3], scalars: [1, 1, 1]) - a).scalars, [0, -1, -2, -3, -4, -5])
        XCTAssertEqual((a / Tensor(2)).scalars, [0.5, 1, 1.5, 2, 2.5, 3])
    }

    func testValueSemantics() {
        let a = Tensor(shape: [2], scalars: [1, 2])
        var b = a
        b.addInPlace(Tensor(shape: [2], scalars: [1, 1]))
        XCTAssertEqual(a.scalars, [1, 2])
        XCTAssertEqual(b.scalars, [2, 3])
    }

    func testReductions() {
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(a.sum(), 21)
        XCTAssertEqual(a.sum(alongAxis: 0).scalars, [5, 7, 9])
        XCTAssertEqual(a.sum(alongAxis: 1).shape, [2, 1])
        XCTAssertEqual(a.sum(alongAxis: 1).scalars, [6, 15])
        XCTAssertEqual(a.max(alongAxis: 1).scalars, [3, 6])
        XCTAssertEqual(a.mean(alongAxis: 0).scalars, [2.5, 3.5, 4.5])
    }

    func testLogSumExpIsStableForLargeValues() {
        let a = Tensor(shape: [1, 3], scalars: [1000, 1000, 1000])
        XCTAssertEqual(a.logSumExp(alongAxis: 1).scalar, 1000 + 1.0986123, accuracy: 1e-3)
        let b = Tensor(shape: [1, 2], scalars: [-1000, -.infinity])
        XCTAssertEqual(b.logSumExp(alongAxis: 1).scalar, -1000, accuracy: 1e-3)
        let allMinusInf = Tensor(shape: [1, 2], scalars: [-.infinity, -.infinity])
        XCTAssertEqual(allMinusInf.logSumExp(alongAxis: 1).scalar, -.infinity)
    }

    func testMatmulAgainstNaiveProductForEveryTransposeFlag() {
        var rng = RandomStream(seed: 3, purpose: "matmul")
        let a = Tensor.normal([4, 5], using: &rng), b = Tensor.normal([5, 3], using: &rng)
        var expected = Tensor.zeros([4, 3])
        for i in 0..<4 { for j in 0..<3 { for k in 0..<5 { expected[i, j] += a[i, k] * b[k, j] } } }
        assertClose(Tensor.matmul(a, b), expected)
        assertClose(Tensor.matmul(a.transposed(), b, transposeA: true), expected)
        assertClose(Tensor.matmul(a, b.transposed(), transposeB: true), expected)
        assertClose(Tensor.matmul(a.transposed(), b.transposed(), transposeA: true, transposeB: true), expected)
        // alpha and beta
        var c = Tensor.ones([4, 3])
        Tensor.gemm(a, false, b, false, into: &c, alpha: 2, beta: 3)
        assertClose(c, expected * 2 + 3)
    }

    /// `ComputeEnvironment.configure` restarts OpenBLAS's threads with a short spin: the thread
    /// count is what was asked, and a product large enough to use both threads is still right.
    func testComputeEnvironmentKeepsProductsRight() {
        let before = BLAS.threads
        defer { BLAS.setThreads(before) }   // other tests run in this process
        ComputeEnvironment.configure(threads: 2)
        XCTAssertEqual(BLAS.threads, 2)
        var rng = RandomStream(seed: 5, purpose: "matmul")
        let a = Tensor.normal([300, 200], using: &rng), b = Tensor.normal([200, 250], using: &rng)
        let c = Tensor.matmul(a, b)
        for (i, j) in [(0, 0), (123, 45), (299, 249)] {
            var expected: Double = 0
            for k in 0..<200 { expected += Double(a[i, k]) * Double(b[k, j]) }
            XCTAssertEqual(Double(c[i, j]), expected, accuracy: 1e-3)
        }
        ComputeEnvironment.configure(threads: 1)
        XCTAssertEqual(BLAS.threads, 1)
        XCTAssertEqual(Tensor.matmul(a, b).scalars, Tensor.matmul(a, b).scalars)
    }

    func testConcatenateSliceGather() {
        let a = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let b = Tensor(shape: [2, 1], scalars: [5, 6])
        let c = Tensor.concatenate([a, b], alongAxis: 1)
        XCTAssertEqual(c.shape, [2, 3])
        XCTAssertEqual(c.scalars, [1, 2, 5, 3, 4, 6])
        XCTAssertEqual(c.columns(1..<3).scalars, [2, 5, 4, 6])
        XCTAssertEqual(Tensor.concatenate([a, a], alongAxis: 0).scalars, [1, 2, 3, 4, 1, 2, 3, 4])
        XCTAssertEqual(c.rows(1..<2).scalars, [3, 4, 6])
        XCTAssertEqual(c.gatherRows([1, 1, 0]).scalars, [3, 4, 6, 3, 4, 6, 1, 2, 5])
        XCTAssertEqual(a.transposed().scalars, [1, 3, 2, 4])
    }

    func testSigmoidAndSoftplusAreFiniteAtExtremes() {
        let x = Tensor(shape: [4], scalars: [-100, -20, 20, 100])
        XCTAssertEqual(x.sigmoid().scalars[0], 0, accuracy: 1e-30)
        XCTAssertEqual(x.sigmoid().scalars[3], 1)
        XCTAssertEqual(x.softplus().scalars[3], 100)
        XCTAssertEqual(x.softplus().scalars[0], 0, accuracy: 1e-30)
        XCTAssertTrue(x.sigmoid().isFinite && x.softplus().isFinite)
    }
}
