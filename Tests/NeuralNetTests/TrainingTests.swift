import NeuralNet
import TensorCore
import XCTest

let xorInputs = Tensor(shape: [4, 2], scalars: [0, 0, 0, 1, 1, 0, 1, 1])
let xorTargets = Tensor(shape: [4, 1], scalars: [0, 1, 1, 0])

/// A small MLP (tanh hidden layers, linear output) for the tests.
struct MLPFixture {
    let layers: [Dense]
    init(sizes: [Int], using rng: inout RandomStream) {
        layers = zip(sizes, sizes.dropFirst()).map { Dense($0, $1, using: &rng) }
    }
    var parameters: [Parameter] { layers.flatMap { $0.parameters } }

    func callAsFunction(_ x: Variable) -> Variable {
        var h = x
        for (i, layer) in layers.enumerated() {
            h = layer(h)
            if i < layers.count - 1 { h = h.tanh() }
        }
        return h
    }

    func loss(x: Tensor, y: Tensor, on tape: Tape) -> Variable {
        meanSquaredError(self(tape.constant(x)), tape.constant(y))
    }

    func gradients(x: Tensor, y: Tensor) -> [Tensor] {
        valueAndGradient(of: parameters) { loss(x: x, y: y, on: $0) }.gradients
    }

    func predict(_ x: Tensor) -> Tensor { withoutGradient { self($0.constant(x)).value } }
}

final class TrainingTests: XCTestCase {
    func testMLPLearnsXOR() {
        var rng = RandomStream(seed: 1, purpose: "init")
        let mlp = MLPFixture(sizes: [2, 8, 1], using: &rng)
        var adam = Adam(mlp.parameters, learningRate: 0.05)
        for _ in 0..<500 { adam.update(mlp.gradients(x: xorInputs, y: xorTargets)) }
        let out = mlp.predict(xorInputs).scalars
        for (o, t) in zip(out, xorTargets.scalars) { XCTAssertEqual(o, t, accuracy: 0.1, "outputs \(out)") }
    }

    func testMLPFitsASmallRegression() {
        // y = sin(3x) on [−1, 1]: 64 points.
        let xs = (0..<64).map { Float($0) / 31.5 - 1 }
        let x = Tensor(shape: [64, 1], scalars: xs), y = Tensor(shape: [64, 1], scalars: xs.map { sin(3 * $0) })
        var rng = RandomStream(seed: 2, purpose: "init")
        let mlp = MLPFixture(sizes: [1, 32, 32, 1], using: &rng)
        var adam = Adam(mlp.parameters, learningRate: 0.01)
        let before = withoutGradient { mlp.loss(x: x, y: y, on: $0).value.scalar }
        for _ in 0..<1000 { adam.update(mlp.gradients(x: x, y: y)) }
        let after = withoutGradient { mlp.loss(x: x, y: y, on: $0).value.scalar }
        XCTAssertLessThan(after, 1e-3, "mean squared error \(before) -> \(after)")
    }

    func testSameSeedGivesBitIdenticalWeightsAndOtherSeedsDiffer() {
        func train(seed: UInt64) -> [Float] {
            var rng = RandomStream(seed: seed, purpose: "init")
            let mlp = MLPFixture(sizes: [2, 16, 16, 1], using: &rng)
            var adam = Adam(mlp.parameters, learningRate: 0.01)
            var dropout = ForwardContext(mode: .training, seed: seed)
            for _ in 0..<10 {
                let (_, g) = valueAndGradient(of: mlp.parameters) { tape in
                    let h = Dropout(rate: 0.2)(tape.constant(xorInputs), &dropout)
                    return meanSquaredError(mlp(h), tape.constant(xorTargets))
                }
                adam.update(g)
            }
            return mlp.parameters.flatMap(\.value.scalars)
        }
        let a = train(seed: 1)
        XCTAssertEqual(a.map(\.bitPattern), train(seed: 1).map(\.bitPattern))
        XCTAssertNotEqual(a, train(seed: 2))
    }
}

import Foundation
