import NeuralNet
import TensorCore
import XCTest

final class LayerTests: XCTestCase {
    func testLinearHasTorchLayoutAndGradients() {
        var rng = RandomStream(seed: 1, purpose: "init")
        let layer = Dense(3, 2, using: &rng)
        XCTAssertEqual(layer.weight.shape, [2, 3])
        XCTAssertEqual(layer.bias.shape, [2])
        let x = Tensor(shape: [1, 3], scalars: [1, 2, 3])
        let y = withoutGradient { tape in layer(tape.constant(x)).value }
        let w = layer.weight.value, b = layer.bias.value
        for o in 0..<2 {
            let expected = (0..<3).reduce(b.scalars[o]) { $0 + w[o, $1] * x.scalars[$1] }
            XCTAssertEqual(y[0, o], expected, accuracy: 1e-5)
        }
    }

    func testInitializersRespectTheirBounds() {
        var rng = RandomStream(seed: 2, purpose: "init")
        let g = Initializer.glorotUniform().weight(out: 300, in: 500, using: &rng)
        let a = (6 / Float(800)).squareRoot()
        XCTAssertLessThanOrEqual(g.scalars.map(abs).max()!, a)
        XCTAssertEqual(g.squared().mean(), a * a / 3, accuracy: a * a / 30)   // Var U(−a, a) = a²/3
        let h = Initializer.heNormal.weight(out: 300, in: 500, using: &rng)
        XCTAssertEqual(h.squared().mean(), 2 / 500, accuracy: 2 / 500 / 20)
        let n = Initializer.normal(std: 0.01).weight(out: 100, in: 100, using: &rng)
        XCTAssertEqual(n.squared().mean().squareRoot(), 0.01, accuracy: 0.0005)
    }

    func testDropoutZeroesAtItsRateAndIsIdentityInEvaluation() {
        let dropout = Dropout(rate: 0.25)
        let x = Tensor.ones([200, 100])
        var context = ForwardContext(mode: .training, seed: 3)
        let y = withoutGradient { tape in dropout(tape.constant(x), &context).value }
        let zeros = y.scalars.filter { $0 == 0 }.count
        XCTAssertEqual(Float(zeros) / Float(y.count), 0.25, accuracy: 0.01)
        XCTAssertTrue(y.scalars.allSatisfy { $0 == 0 || abs($0 - 4 / 3) < 1e-6 })
        XCTAssertEqual(y.mean(), 1, accuracy: 0.02)
        var evaluation = ForwardContext.evaluation
        XCTAssertEqual(withoutGradient { tape in dropout(tape.constant(x), &evaluation).value }, x)
    }

    func testBatchNormNormalisesTrainsRunningStatisticsAndHasGradients() {
        var rng = RandomStream(seed: 4, purpose: "bn")
        let x = Tensor.normal([64, 3], mean: 3, std: 2, using: &rng)
        let bn = BatchNorm(features: 3, momentum: 0.1)
        let y = withoutGradient { tape in bn(tape.constant(x), ForwardContext(mode: .training)).value }
        for m in y.mean(alongAxis: 0).scalars { XCTAssertEqual(m, 0, accuracy: 1e-5) }
        for v in y.squared().mean(alongAxis: 0).scalars { XCTAssertEqual(v, 1, accuracy: 1e-3) }
        // One update from (0, 1) with momentum 0.1 towards the batch mean and unbiased variance.
        let mean = x.mean(alongAxis: 0), variance = (x - mean).squared().sum(alongAxis: 0) / 63
        assertClose(bn.runningMean, mean * 0.1)
        assertClose(bn.runningVariance, Tensor.ones([3]) * 0.9 + variance * 0.1, tolerance: 1e-4)
        let z = withoutGradient { tape in bn(tape.constant(x), ForwardContext.evaluation).value }
        assertClose(z, (x - bn.runningMean) / (bn.runningVariance + 1e-5).squareRoot(), tolerance: 1e-4)

        // Gradient with respect to the input, through the layer itself, with γ and β not 1 and 0.
        bn.gamma.value = Tensor(shape: [3], scalars: [1.5, 0.5, 2])
        bn.beta.value = Tensor(shape: [3], scalars: [0.1, 0.2, 0.3])
        let small = x.rows(0..<5)
        let check = checkGradients([small]) { tape, v in
            (bn(v[0], ForwardContext(mode: .training)) * tape.constant(small)).sum()
        }
        XCTAssertTrue(check.passed, "\(check)")
    }

    func testOneHotAndEmbedding() {
        XCTAssertEqual(oneHot([2, 0], classes: 3).scalars, [0, 0, 1, 1, 0, 0])
        var rng = RandomStream(seed: 5, purpose: "embedding")
        let e = Embedding(classes: 4, dimension: 2, using: &rng)
        let rows = withoutGradient { tape in e([3, 1, 3], on: tape).value }
        XCTAssertEqual(rows.rows(0..<1).scalars, e.table.value.rows(3..<4).scalars)
        XCTAssertEqual(rows.rows(2..<3).scalars, e.table.value.rows(3..<4).scalars)
        let (_, grads) = valueAndGradient(of: [e.table]) { tape in e([3, 1, 3], on: tape).sum() }
        XCTAssertEqual(grads[0].scalars, [0, 0, 1, 1, 0, 0, 2, 2])
    }
}

func assertClose(_ a: Tensor, _ b: Tensor, tolerance: Float = 1e-5, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.shape, b.shape, file: file, line: line)
    let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
    XCTAssertLessThanOrEqual(worst, tolerance, "largest difference \(worst)", file: file, line: line)
}
