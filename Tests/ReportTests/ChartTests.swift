@testable import Report
import TensorCore
import XCTest

final class ChartTests: XCTestCase {
    func testJacobiFindsKnownEigenvalues() {
        let (values, vectors) = PrincipalComponents.jacobi([[2, 1, 0], [1, 2, 0], [0, 0, 5]])
        XCTAssertEqual(values.sorted(), [1, 3, 5].map(Double.init), accuracy: 1e-12)
        let k = values.firstIndex { abs($0 - 3) < 1e-9 }!
        XCTAssertEqual(abs(vectors[0][k]), 0.5.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(vectors[0][k], vectors[1][k], accuracy: 1e-12)
    }

    func testPrincipalComponentsOfPointsAlongALine() {
        // Points t·(−3, −4)/5 + small orthogonal jitter: the first component is ±(0.6, 0.8), sign fixed positive.
        let ts = (0..<50).map { Double($0) - 24.5 }
        let scalars = ts.enumerated().flatMap { i, t in
            let jitter = (i % 2 == 0 ? 0.05 : -0.05)
            return [Float(-0.6 * t + 0.8 * jitter + 1), Float(-0.8 * t - 0.6 * jitter + 2)]
        }
        let pca = PrincipalComponents(Tensor(shape: [50, 2], scalars: scalars))
        XCTAssertEqual(pca.components[0], [0.6, 0.8], accuracy: 1e-3)
        XCTAssertEqual(pca.mean, [1, 2], accuracy: 1e-4)
        XCTAssertGreaterThan(pca.explained(0), 0.9999)
        let projected = pca.project(Tensor(shape: [1, 2], scalars: [1 + 0.6 * 10, 2 + 0.8 * 10]))
        XCTAssertEqual(projected[0][0], 10, accuracy: 1e-2)
    }

    func testScaleTicks() {
        let y = Scale.linear(covering: [3, 97], from: 300, to: 0)
        XCTAssertEqual([y.lower, y.upper], [0, 100])
        XCTAssertEqual(y.ticks, [0, 20, 40, 60, 80, 100])
        XCTAssertEqual(y(50), 150)
        XCTAssertEqual(y.label(40), "40")
        let sigma = Scale.log(covering: [0.1, 0.2154, 1], from: 0, to: 100)
        XCTAssertEqual(sigma.ticks, [0.1, 0.2, 0.5, 1], accuracy: 1e-12)
        XCTAssertEqual(sigma(sqrt(0.1)), 50, accuracy: 1e-9)
        let epochs = Scale.linear(covering: [1, 3], from: 0, to: 1, minimumStep: 1)
        XCTAssertTrue(epochs.ticks.allSatisfy { $0 == $0.rounded() }, "epoch ticks are whole numbers: \(epochs.ticks)")
        XCTAssertEqual(Scale.linear(covering: [0.12, 0.31], from: 0, to: 1).label(0.15), "0.15")
    }

    func testUnitsOfLossTerms() {
        XCTAssertEqual(RunFigures.unit(of: "reconstruction", spec: #"{"reconstruction": "mse", "learning_rate": {"reconstruction": 0.001}}"#),
                       "squared error per image")
        XCTAssertEqual(RunFigures.unit(of: "reconstruction", spec: "{}"), "nats per image")
        XCTAssertEqual(RunFigures.unit(of: "kl", spec: "{}"), "nats per image")
    }

    func testLossTermsLeaveOutTimingsAndPutTheUsualFirst() {
        let record = SyntheticRuns.record(model: "aae", latent: 2, ll: 300)
        XCTAssertEqual(RunFigures.lossTerms(record), ["reconstruction", "discriminator", "generator"])
    }

    func testEscaping() {
        XCTAssertEqual(escapeXML(#"a<b & "c">'"#), "a&lt;b &amp; &quot;c&quot;&gt;&#39;")
        XCTAssertEqual(safeName("aae z=8/σ"), "aae_z_8__")
        XCTAssertEqual(n(1.005), "1")
        XCTAssertEqual(n(2.5), "2.5")
        XCTAssertEqual([n(-0.25), n(0.05), n(-0.001), n(12.3), n(-7)], ["-0.25", "0.05", "0", "12.3", "-7"])
    }
}

func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b)", file: file, line: line) }
}
