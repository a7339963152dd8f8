import NeuralNet
import TensorCore
import XCTest

final class OptimizerTests: XCTestCase {
    /// f(a, b) = a² + 3b, from (1, 2): g = (2a, 3).
    private func gradients(_ p: [Parameter]) -> [Tensor] {
        valueAndGradient(of: p) { tape in tape.watch(p[0]).squared().sum() + (tape.watch(p[1]) * 3).sum() }.gradients
    }

    func testAdamMatchesAHandComputedUpdate() {
        let a = Parameter(Tensor(shape: [1], scalars: [1])), b = Parameter(Tensor(shape: [1], scalars: [2]))
        var adam = Adam([a, b], learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
        adam.update(gradients([a, b]))
        // Step 1: m̂ = g, v̂ = g², so each parameter moves by lr · g/(|g| + ε) = 0.1 · sign(g).
        XCTAssertEqual(a.value.scalar, 0.9, accuracy: 1e-6)
        XCTAssertEqual(b.value.scalar, 1.9, accuracy: 1e-6)
        adam.update(gradients([a, b]))
        // Step 2 for a: g = 1.8; m = 0.9·0.2 + 0.1·1.8 = 0.36; v = 0.999·0.004 + 0.001·3.24 = 0.007236
        // m̂ = 0.36/0.19, v̂ = 0.007236/0.001999; a = 0.9 − 0.1 · m̂ / (√v̂ + 1e−8)
        let mHat = 0.36 / 0.19, vHat = 0.007236 / (1 - 0.999 * 0.999)
        XCTAssertEqual(Double(a.value.scalar), 0.9 - 0.1 * mHat / (vHat.squareRoot() + 1e-8), accuracy: 1e-5)
        // b has a constant gradient: it moves by exactly lr again.
        XCTAssertEqual(b.value.scalar, 1.8, accuracy: 1e-5)
    }

    /// The trainer applies Adam to each parameter while the backward pass is still running
    /// (`ForwardPass.backward`). That gives the same bits as updating after the whole pass, every
    /// parameter gets exactly one gradient, and an unused one gets zeros.
    func testAdamInsideTheBackwardPassEqualsAdamAfterIt() {
        func parameters() -> [Parameter] {
            var rng = RandomStream(seed: 4, purpose: "init")
            return [Tensor.normal([5, 3], using: &rng), Tensor.normal([5], using: &rng),
                    Tensor.normal([2, 5], using: &rng), Tensor.normal([2], using: &rng),
                    Tensor.normal([3], using: &rng)].map(Parameter.init)   // the last one is not used
        }
        var rng = RandomStream(seed: 5, purpose: "data")
        let x = Tensor.normal([4, 3], using: &rng)
        func loss(_ p: [Parameter], _ tape: Tape) -> Variable {
            let w1 = tape.watch(p[0])
            // w1 is used twice, at both ends of the graph: its gradient is complete only at the end.
            let h = Variable.affine(tape.constant(x), weight: w1, bias: tape.watch(p[1])).relu()
            let y = Variable.affine(h, weight: tape.watch(p[2]), bias: tape.watch(p[3]))
            return y.squared().sum() + w1.squared().sum() * 0.1
        }
        let after = parameters(), during = parameters()
        var adamAfter = Adam(after, learningRate: 0.05), adamDuring = Adam(during, learningRate: 0.05)
        for _ in 0..<3 {
            adamAfter.update(valueAndGradient(of: after) { loss(after, $0) }.gradients)
            let pass = ForwardPass(of: during) { loss(during, $0) }
            var delivered: [Int] = []
            adamDuring.beginStep()
            pass.backward { index, gradient in
                delivered.append(index)
                if index == 4 { XCTAssertEqual(gradient.scalars, [0, 0, 0]) }
                adamDuring.apply(index, gradient: gradient)
            }
            XCTAssertEqual(delivered.sorted(), [0, 1, 2, 3, 4])
            XCTAssertEqual(delivered.last, 4, "the unused parameter comes after the walk")
        }
        for (a, d) in zip(after, during) { XCTAssertEqual(a.value.scalars, d.value.scalars) }
        XCTAssertNotEqual(after[0].value.scalars, parameters()[0].value.scalars, "the parameters moved")
    }

    func testAdamWeightDecayAddsToTheGradient() {
        let p = Parameter(Tensor(shape: [1], scalars: [2]))
        var adam = Adam([p], learningRate: 0.1, weightDecay: 0.5)
        adam.update([Tensor(shape: [1], scalars: [-1])])   // g + λp = −1 + 1 = 0: no move
        XCTAssertEqual(p.value.scalar, 2, accuracy: 1e-6)
    }

    func testSGDMomentumMatchesAHandComputedUpdate() {
        let a = Parameter(Tensor(shape: [1], scalars: [1])), b = Parameter(Tensor(shape: [1], scalars: [2]))
        var sgd = SGD([a, b], learningRate: 0.1, momentum: 0.9)
        sgd.update(gradients([a, b]))     // buf = g = 2 -> a = 0.8
        XCTAssertEqual(a.value.scalar, 0.8, accuracy: 1e-6)
        sgd.update(gradients([a, b]))     // buf = 0.9·2 + 1.6 = 3.4 -> a = 0.46
        XCTAssertEqual(a.value.scalar, 0.46, accuracy: 1e-6)
        XCTAssertEqual(b.value.scalar, 2 - 0.3 - 0.1 * (0.9 * 3 + 3), accuracy: 1e-5)
    }

    func testRestoringStateMidwayEqualsNotStopping() throws {
        func run(stopAt: Int?) throws -> [Float] {
            var rng = RandomStream(seed: 21, purpose: "init")
            let mlp = MLPFixture(sizes: [2, 8, 1], using: &rng)
            var opt = Adam(mlp.parameters, learningRate: 0.01)
            for step in 0..<10 {
                if step == stopAt {
                    // Save everything, build a fresh optimizer and fresh parameters, restore.
                    let saved = opt.state, weights = mlp.parameters.map(\.value)
                    for p in mlp.parameters { p.value = Tensor.zeros(p.shape) }
                    opt = Adam(mlp.parameters, learningRate: 0.01)
                    try opt.restore(saved)
                    for (p, w) in zip(mlp.parameters, weights) { p.value = w }
                }
                opt.update(mlp.gradients(x: xorInputs, y: xorTargets))
            }
            return mlp.parameters.flatMap(\.value.scalars)
        }
        XCTAssertEqual(try run(stopAt: 4), try run(stopAt: nil))
    }

    func testRestoringAStateOfOtherShapesThrows() {
        let p = Parameter(Tensor.zeros([2]))
        var adam = Adam([p])
        let other = Adam([Parameter(Tensor.zeros([3]))]).state
        XCTAssertThrowsError(try adam.restore(other))
    }
}
