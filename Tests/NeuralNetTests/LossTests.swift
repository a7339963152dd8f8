import NeuralNet
import TensorCore
import XCTest

final class LossTests: XCTestCase {
    func testBinaryCrossEntropyAtLargeLogitsIsFiniteAndExact() {
        let logits = Tensor(shape: [1, 4], scalars: [100, 100, -100, -100])
        let targets = Tensor(shape: [1, 4], scalars: [1, 0, 1, 0])
        let p = Parameter(logits)
        let (value, grads) = valueAndGradient(of: [p]) { tape in
            binaryCrossEntropy(logits: tape.watch(p), targets: targets, reduction: .sum)
        }
        // −log σ(100) ≈ 3.7e−44, −log(1 − σ(100)) = 100 + log(1 + e^−100) ≈ 100.
        XCTAssertEqual(value, 200, accuracy: 1e-4)
        // ∂/∂l = σ(l) − t: 0, 1, −1 and σ(−100) ≈ 3.7e−44.
        for (g, e) in zip(grads[0].scalars, [Float(0), 1, -1, 0]) { XCTAssertEqual(g, e, accuracy: 1e-30) }
    }

    func testBinaryCrossEntropyMatchesTheDefinition() {
        let l: Float = 0.7, t: Float = 0.3
        let sigma = 1 / (1 + Foundation_exp(-l))
        let expected = -(t * Foundation_log(sigma) + (1 - t) * Foundation_log(1 - sigma))
        let value = withoutGradient { tape in
            binaryCrossEntropy(logits: tape.constant(Tensor(shape: [1, 1], scalars: [l])),
                               targets: Tensor(shape: [1, 1], scalars: [t])).value.scalar
        }
        XCTAssertEqual(value, expected, accuracy: 1e-6)
    }

    func testGaussianKLClosedForms() {
        func kl(_ mu: [Float], _ logVar: [Float]) -> Float {
            withoutGradient { tape in
                gaussianKLDivergence(mean: tape.constant(Tensor(shape: [1, mu.count], scalars: mu)),
                                     logVariance: tape.constant(Tensor(shape: [1, mu.count], scalars: logVar))).value.scalar
            }
        }
        XCTAssertEqual(kl([0, 0, 0], [0, 0, 0]), 0)                      // N(0, I) against itself
        XCTAssertEqual(kl([1, 2], [0, 0]), 0.5 * (1 + 4), accuracy: 1e-6) // ½‖μ‖²
        // σ² = e: ½(e − 1 − 1)
        XCTAssertEqual(kl([0], [1]), 0.5 * (Float(M_E) - 2), accuracy: 1e-6)
    }

    func testMMDMatchesBruteForceInDouble() {
        var rng = RandomStream(seed: 11, purpose: "mmd")
        let x = Tensor.normal([6, 3], using: &rng), y = Tensor.normal([5, 3], mean: 0.5, using: &rng)
        for (kernel, k) in [(Kernel.inverseMultiquadric(scale: 6), { (d: Double) in 6 / (6 + d) }),
                            (Kernel.rbf(bandwidth: 1.5), { (d: Double) in Foundation.exp(-d / (2 * 1.5 * 1.5)) })] {
            func d(_ a: Tensor, _ i: Int, _ b: Tensor, _ j: Int) -> Double {
                (0..<3).reduce(0) { s, c in let t = Double(a[i, c] - b[j, c]); return s + t * t }
            }
            var xx = 0.0, yy = 0.0, xy = 0.0
            for i in 0..<6 { for j in 0..<6 where i != j { xx += k(d(x, i, x, j)) } }
            for i in 0..<5 { for j in 0..<5 where i != j { yy += k(d(y, i, y, j)) } }
            for i in 0..<6 { for j in 0..<5 { xy += k(d(x, i, y, j)) } }
            let expected = xx / 30 + yy / 20 - 2 * xy / 30
            let value = withoutGradient { tape in
                maximumMeanDiscrepancy(tape.constant(x), tape.constant(y), kernel: kernel).value.scalar
            }
            XCTAssertEqual(Double(value), expected, accuracy: 1e-5, "\(kernel)")
        }
    }

    func testLossGradients() {
        var rng = RandomStream(seed: 12, purpose: "loss-gradients")
        let a = Tensor.normal([4, 5], using: &rng), b = Tensor.uniform([4, 5], using: &rng)
        let cases: [(String, [Tensor], (Tape, [Variable]) -> Variable)] = [
            ("bce", [a], { t, v in binaryCrossEntropy(logits: v[0], targets: b, reduction: .sumOverFeatures) }),
            ("mse", [a, b], { _, v in meanSquaredError(v[0], v[1]) }),
            ("l1", [a, b + 3], { _, v in meanAbsoluteError(v[0], v[1], reduction: .sum) }),
            ("kl", [a, b], { _, v in gaussianKLDivergence(mean: v[0], logVariance: v[1]) }),
            ("mmd imq", [a, b], { _, v in maximumMeanDiscrepancy(v[0], v[1], kernel: .inverseMultiquadric(scale: 2)) }),
            ("mmd rbf", [a, b], { _, v in maximumMeanDiscrepancy(v[0], v[1], kernel: .rbf(bandwidth: 1)) }),
        ]
        for (name, inputs, f) in cases {
            let check = checkGradients(inputs, f)
            XCTAssertTrue(check.passed, "\(name): \(check)")
        }
    }
}

import Foundation
private func Foundation_exp(_ x: Float) -> Float { Foundation.exp(x) }
private func Foundation_log(_ x: Float) -> Float { Foundation.log(x) }

final class BinaryCrossEntropyKernelTests: XCTestCase {
    /// The vectorised loss and gradient against the formula in Double, over logits from −100 to
    /// 100 (dense near 0, where e^−|l| is largest) and targets 0, 0.3, 1 (and a pixel's 0.72):
    /// relative error within 1e-6 (of at least 1e-30: below l ≈ −87.3 e^−|l| is 0 in the kernel and
    /// a denormal in glibc), and the gradient within 1e-7 absolute (σ(l) − t cancels).
    func testLossAndGradientMatchTheDoubleFormula() {
        var logits: [Float] = [0, -0, 1e-30, -1e-30, 1e-6, -1e-6, 88, -88, 87.3, -87.3, 100, -100]
        for i in 0...4000 { let x = Float(i) / 4000; logits += [x * x * 100, -x * x * 100, x, -x] }
        let targetValues: [Float] = [0, 0.3, 0.72, 1]
        let n = logits.count * targetValues.count
        let l = Tensor(shape: [1, n], scalars: targetValues.flatMap { _ in logits })
        let t = Tensor(shape: [1, n], scalars: targetValues.flatMap { v in Array(repeating: v, count: logits.count) })
        let p = Parameter(l)
        let perElement = binaryCrossEntropyElements(logits: l, targets: t)
        let (value, grads) = valueAndGradient(of: [p]) { tape in
            binaryCrossEntropy(logits: tape.watch(p), targets: t, reduction: .sum)
        }
        XCTAssertEqual(Double(value), perElement.scalars.reduce(0) { $0 + Double($1) }, accuracy: 1e-3 * Double(n))
        var worstLoss = 0.0, worstGradient = 0.0
        for i in 0..<n {
            let x = Double(l.scalars[i]), y = Double(t.scalars[i])
            let exact = Swift.max(x, 0) - x * y + Foundation.log1p(Foundation.exp(-Swift.abs(x)))
            let sigma = x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x))
            let lossError = Swift.abs(Double(perElement.scalars[i]) - exact) / Swift.max(Swift.abs(exact), 1e-30)
            let gradientError = Swift.abs(Double(grads[0].scalars[i]) - (sigma - y))
            XCTAssertLessThanOrEqual(lossError, 1e-6, "loss at l = \(x), t = \(y): \(perElement.scalars[i]) against \(exact)")
            XCTAssertLessThanOrEqual(gradientError, 1e-7, "gradient at l = \(x), t = \(y): \(grads[0].scalars[i]) against \(sigma - y)")
            worstLoss = Swift.max(worstLoss, lossError)
            worstGradient = Swift.max(worstGradient, gradientError)
        }
        print("BCE kernel: worst relative loss error \(worstLoss), worst gradient error \(worstGradient)")
    }

    /// NaN propagates (so the trainer's divergence check sees it) and an empty batch is empty.
    func testNaNPropagatesAndEmptyIsEmpty() {
        let value = withoutGradient { tape in
            binaryCrossEntropy(logits: tape.constant(Tensor(shape: [1, 2], scalars: [.nan, 1])),
                               targets: Tensor(shape: [1, 2], scalars: [0, 1]), reduction: .sum).value.scalar
        }
        XCTAssertTrue(value.isNaN)
        XCTAssertEqual(binaryCrossEntropyElements(logits: Tensor.zeros([0, 784]), targets: Tensor.zeros([0, 784])).shape, [0, 784])
        // One target row against every row of the logits (importance sampling's use).
        var rng = RandomStream(seed: 4, purpose: "bce")
        let logits = Tensor.normal([3, 5], using: &rng), row = Tensor.uniform([1, 5], using: &rng)
        let rows = Tensor.concatenate([row, row, row], alongAxis: 0)
        XCTAssertEqual(binaryCrossEntropyElements(logits: logits, targets: row), binaryCrossEntropyElements(logits: logits, targets: rows))
    }
}
