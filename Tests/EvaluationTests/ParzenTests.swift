import Evaluation
import Foundation
import TensorCore
import XCTest

final class ParzenTests: XCTestCase {
    /// log p(x) by the definition, in Double, one sample at a time.
    func bruteForce(_ x: Tensor, _ s: Tensor, sigma: Double) -> [Double] {
        let d = x.columns
        return (0..<x.rows).map { i in
            let terms = (0..<s.rows).map { j -> Double in
                var dist = 0.0
                for k in 0..<d { let t = Double(x[i, k]) - Double(s[j, k]); dist += t * t }
                return -dist / (2 * sigma * sigma)
            }
            let m = terms.max()!
            let lse = m + log(terms.reduce(0) { $0 + exp($1 - m) })
            return lse - log(Double(s.rows)) - Double(d) / 2 * log(2 * Double.pi * sigma * sigma)
        }
    }

    func testEqualsBruteForceInDouble() {
        var rng = RandomStream(seed: 1, purpose: "parzen")
        // Sizes that exercise the SIMD tail (n not a multiple of 16) and several chunks.
        let samples = Tensor.uniform([203, 37], using: &rng)
        let points = Tensor.uniform([51, 37], using: &rng)
        let window = ParzenWindow(samples: samples)
        let sigmas = [0.05, 0.2, 1.0, 3.0]
        let ours = window.logLikelihoods(points, sigmas: sigmas, chunk: 16)
        for (s, sigma) in sigmas.enumerated() {
            let exact = bruteForce(points, samples, sigma: sigma)
            for i in exact.indices {
                XCTAssertEqual(ours[s][i], exact[i], accuracy: 1e-3, "σ \(sigma), point \(i)")
            }
        }
    }

    /// MNIST-like data: 784 dimensions in [0, 1], the protocol's σ range.
    func testEqualsBruteForceOnImageLikeData() {
        var rng = RandomStream(seed: 4, purpose: "images")
        let samples = Tensor.uniform([150, 784], using: &rng).map { $0 * $0 }
        let points = Tensor.uniform([20, 784], using: &rng).map { $0 * $0 }
        let sigmas = ParzenWindow.logspace(-1, 0, count: 10)
        let ours = ParzenWindow(samples: samples).logLikelihoods(points, sigmas: sigmas)
        for (s, sigma) in sigmas.enumerated() {
            let exact = bruteForce(points, samples, sigma: sigma)
            for i in exact.indices { XCTAssertEqual(ours[s][i], exact[i], accuracy: 1e-3, "σ \(sigma), point \(i)") }
        }
    }

    /// With samples from N(0, I) in d dimensions, the estimate approaches the true mean log
    /// density as N grows (σ chosen on validation points). Tolerance: 0.15 nats per point at
    /// N = 20,000 in 2-D, and the error shrinks from N = 200.
    func testApproachesTheTrueDensityAsSamplesGrow() {
        var rng = RandomStream(seed: 2, purpose: "gaussian")
        let d = 2
        let validation = Tensor.normal([500, d], using: &rng), test = Tensor.normal([2000, d], using: &rng)
        // E[log N(x; 0, I)] = −(d/2)(log 2π + 1), and the test set's own average:
        let trueMean = (0..<test.rows).map { i -> Double in
            var q = 0.0
            for k in 0..<d { q += Double(test[i, k] * test[i, k]) }
            return -0.5 * q - Double(d) / 2 * log(2 * Double.pi)
        }.reduce(0, +) / Double(test.rows)
        let grid = ParzenWindow.logspace(-1.5, 0.5, count: 20)
        var errors: [Double] = []
        for n in [200, 20_000] {
            let window = ParzenWindow(samples: Tensor.normal([n, d], using: &rng))
            let result = window.evaluate(validation: validation, test: test, sigmaGrid: grid)
            errors.append(abs(result.mean - trueMean))
        }
        XCTAssertLessThan(errors[1], 0.15, "errors \(errors) (true mean \(trueMean))")
        XCTAssertLessThan(errors[1], errors[0], "errors \(errors)")
    }

    func testChosenSigmaMaximisesValidationAndStatisticsAreRight() {
        var rng = RandomStream(seed: 3, purpose: "sigma")
        let window = ParzenWindow(samples: Tensor.uniform([300, 10], using: &rng))
        let grid = ParzenWindow.logspace(-1, 0, count: 10)
        let result = window.evaluate(validation: Tensor.uniform([100, 10], using: &rng),
                                     test: Tensor.uniform([50, 10], using: &rng), sigmaGrid: grid)
        let best = result.validationMeans.indices.max { result.validationMeans[$0] < result.validationMeans[$1] }!
        XCTAssertEqual(result.sigma, grid[best])
        XCTAssertEqual(grid.first!, 0.1, accuracy: 1e-12)
        XCTAssertEqual(grid.last!, 1.0, accuracy: 1e-12)
        let ll = result.testLogLikelihoods
        let mean = ll.reduce(0, +) / 50
        XCTAssertEqual(result.mean, mean, accuracy: 1e-9)
        let sd = (ll.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 49).squareRoot()
        XCTAssertEqual(result.standardError, sd / 50.0.squareRoot(), accuracy: 1e-9)
    }

    func testFastExpMatchesExp() {
        var worst: Float = 0
        var x = SIMD16<Float>()
        for step in 0..<20_000 {
            for lane in 0..<16 { x[lane] = -100 + Float(step * 16 + lane) * (110.0 / 320_000) }
            let y = exp16(x)
            for lane in 0..<16 {
                let e = expf(x[lane])
                if e > 1e-37 { worst = max(worst, abs(y[lane] - e) / e) } else { XCTAssertLessThan(y[lane], 1e-37) }
            }
        }
        XCTAssertLessThan(worst, 5e-7)
    }
}
