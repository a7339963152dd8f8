import NeuralNet
import TensorCore
import XCTest

/// Every block through its `Module` interface (the forward pass a network runs, with its context)
/// against central finite differences: the gradient of sum(r ⊙ block(x)) with respect to the input
/// and to each of the block's parameters. The operations' own gradient checks (GradientTests,
/// ConvolutionTests) test the arithmetic; these test that each block wires its parameters,
/// options and mode into it as it should.
final class BlockGradientTests: XCTestCase {
    func testDenseGradients() {
        var rng = RandomStream(seed: 61, purpose: "blocks")
        assertBlockGradients(Dense(5, 3, using: &rng), input: Tensor.normal([4, 5], using: &rng))
    }

    func testConvolutionGradients() {
        var rng = RandomStream(seed: 62, purpose: "blocks")
        let conv = Conv2d(inChannels: 2, outChannels: 3, kernel: 4, stride: 2, padding: 1, using: &rng)
        conv.bias.value = Tensor.normal([3], std: 0.5, using: &rng)
        assertBlockGradients(conv, input: Tensor.normal([2, 2, 6, 5], using: &rng))
        let transposed = ConvTranspose2d(inChannels: 3, outChannels: 2, kernel: 3, stride: 2, padding: 1,
                                         outputPadding: 1, using: &rng)
        transposed.bias.value = Tensor.normal([2], std: 0.5, using: &rng)
        assertBlockGradients(transposed, input: Tensor.normal([2, 3, 3, 4], using: &rng))
    }

    /// Dense and spatial batch norm, in training (batch statistics) and in evaluation (the running
    /// statistics, which receive no gradient), with γ, β and the running statistics not 1, 0, 0, 1.
    func testBatchNormGradientsInBothModes() {
        var rng = RandomStream(seed: 63, purpose: "blocks")
        for input in [[6, 3], [3, 3, 4, 4]] {
            let bn = BatchNorm(features: 3)
            bn.gamma.value = Tensor.uniform([3], low: 0.5, high: 1.5, using: &rng)
            bn.beta.value = Tensor.normal([3], std: 0.3, using: &rng)
            bn.setBuffer("running_mean", to: Tensor.normal([3], std: 0.3, using: &rng))
            bn.setBuffer("running_var", to: Tensor.uniform([3], low: 0.5, high: 1.5, using: &rng))
            let x = Tensor.normal(input, mean: 0.5, std: 2, using: &rng)
            assertBlockGradients(bn, input: x, mode: .training, "\(input) training")
            assertBlockGradients(bn, input: x, mode: .evaluation, "\(input) evaluation")
        }
    }

    /// Each activation on inputs at least 0.05 from ReLU's and leaky ReLU's kink, so that the
    /// central difference (step 0.01) never straddles it.
    func testActivationGradients() {
        var rng = RandomStream(seed: 64, purpose: "blocks")
        let x = Tensor.normal([4, 6], std: 2, using: &rng).map { $0 >= 0 ? $0 + 0.05 : $0 - 0.05 }
        for activation in Activation.allCases {
            assertBlockGradients(ActivationLayer(activation), input: x, activation.rawValue)
        }
    }

    /// In training the mask comes from the context's dropout stream: every evaluation below starts
    /// from the same seed, so it draws the same mask, and the gradient is r·mask/(1 − rate).
    func testDropoutGradientsWithItsMask() {
        var rng = RandomStream(seed: 65, purpose: "blocks")
        let x = Tensor.normal([6, 7], using: &rng)
        assertBlockGradients(Dropout(rate: 0.3), input: x, mode: .training, "training")
        assertBlockGradients(Dropout(rate: 0.3), input: x, mode: .evaluation, "evaluation")
    }

    func testReshapeAndFlattenGradients() {
        var rng = RandomStream(seed: 66, purpose: "blocks")
        assertBlockGradients(Reshape([3, 2, 2]), input: Tensor.normal([2, 12], using: &rng))
        assertBlockGradients(Flatten(), input: Tensor.normal([2, 3, 2, 2], using: &rng))
    }

    /// The blocks composed, as an encoder of the spec builds them: every parameter of every layer
    /// (by its position in `namedParameters`) against finite differences.
    func testSequentialGradients() {
        var rng = RandomStream(seed: 67, purpose: "blocks")
        let model = Sequential([
            Conv2d(inChannels: 1, outChannels: 2, kernel: 4, stride: 2, padding: 1, using: &rng),
            BatchNorm(features: 2),
            ActivationLayer(.elu),
            Flatten(),
            Dropout(rate: 0.2),
            Dense(18, 4, using: &rng),
            ActivationLayer(.tanh),
        ])
        assertBlockGradients(model, input: Tensor.normal([3, 1, 6, 6], using: &rng))
    }

    // MARK: the check

    /// Compares the tape's gradients of sum(r ⊙ block(x)) with respect to x and to every
    /// parameter of `block` with central differences (step 1e-2, evaluated in the same mode, each
    /// forward pass from a fresh context of the same seed). Passes when every element satisfies
    /// |analytic − numeric| ≤ 2e-3 + 1e-2·max(|analytic|, |numeric|), the tolerance of
    /// `checkGradients`; also fails if any gradient is identically zero where the numeric one is
    /// not, so a parameter the block forgot to watch is caught.
    private func assertBlockGradients(_ block: any Module, input x: Tensor, mode: Mode = .training,
                                      _ label: String = "", file: StaticString = #filePath, line: UInt = #line) {
        let what = "\(type(of: block)) \(label)"
        let seed: UInt64 = 7
        func output(_ tape: Tape, _ input: Variable) -> Variable {
            var context = ForwardContext(mode: mode, seed: seed)
            return block(input, &context)
        }
        let shape = withoutGradient { tape in output(tape, tape.constant(x)).shape }
        var rng = RandomStream(seed: 68, purpose: "upstream")
        let r = Tensor.normal(shape, using: &rng)
        func loss(_ input: Tensor) -> Double {
            withoutGradient { tape in Double((output(tape, tape.constant(input)) * tape.constant(r)).sum().value.scalar) }
        }

        let parameters = block.parameters
        let inputParameter = Parameter(x)
        let (_, analytic) = valueAndGradient(of: [inputParameter] + parameters) { tape in
            (output(tape, tape.watch(inputParameter)) * tape.constant(r)).sum()
        }
        XCTAssertEqual(analytic.count, parameters.count + 1, what, file: file, line: line)

        let h: Float = 1e-2
        // Perturbs element e of tensor t (0: the input, i > 0: parameter i − 1) and returns the loss.
        func perturbed(_ t: Int, _ e: Int, by delta: Float) -> Double {
            if t == 0 {
                var changed = x
                changed.withUnsafeMutableBufferPointer { $0[e] += delta }
                return loss(changed)
            }
            let parameter = parameters[t - 1], saved = parameter.value
            var changed = saved
            changed.withUnsafeMutableBufferPointer { $0[e] += delta }
            parameter.value = changed
            defer { parameter.value = saved }
            return loss(x)
        }
        let names = ["input"] + block.namedParameters.map(\.name)
        for t in 0..<analytic.count {
            var worst: (ratio: Float, element: Int, analytic: Float, numeric: Float) = (0, 0, 0, 0)
            var numericNorm: Float = 0, analyticNorm: Float = 0
            for e in 0..<analytic[t].count {
                let numeric = Float((perturbed(t, e, by: h) - perturbed(t, e, by: -h)) / Double(2 * h))
                let a = analytic[t].scalars[e]
                numericNorm += numeric * numeric
                analyticNorm += a * a
                let ratio = abs(a - numeric) / (2e-3 + 1e-2 * max(abs(a), abs(numeric)))
                if !(ratio <= worst.ratio) { worst = (ratio.isNaN ? .infinity : ratio, e, a, numeric) }
            }
            XCTAssertLessThanOrEqual(worst.ratio, 1, "\(what) gradient of \(names[t]): element \(worst.element) "
                + "analytic \(worst.analytic), numeric \(worst.numeric)", file: file, line: line)
            if numericNorm > 1e-6 {
                XCTAssertGreaterThan(analyticNorm, 0, "\(what): no gradient for \(names[t])", file: file, line: line)
            }
        }
    }
}
