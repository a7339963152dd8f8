import Foundation
import NeuralNet
import TensorCore
import XCTest

/// The building blocks against PyTorch: Fixtures/torch_blocks.json holds, for each block, a
/// float32 input x, the module's state dict, a tensor r, and PyTorch's output, loss sum(y * r),
/// gradients (input and every parameter, by name) and, in training, the running statistics after
/// the step. tests/fixtures/make-torch-fixtures writes it (no Python is needed here).
///
/// Tolerance: |ours − torch| ≤ 1e-5 + 1e-5·|torch| per element. PyTorch evaluated the blocks in
/// float64 on the same float32 values, so the reference is exact to float32 rounding and the
/// tolerance covers only our float32 arithmetic: values and gradients are O(1) and come from sums of
/// at most a few hundred terms, whose float32 error is ~1e-6 (the worst seen is printed on failure).
/// A layout or indexing mistake is off by O(0.1–1).
final class TorchFixtureTests: XCTestCase {
    static let absoluteTolerance: Float = 1e-5
    static let relativeTolerance: Float = 1e-5

    func testFixtureNamesTorchAndItsGenerator() throws {
        let fixture = try Self.load()
        XCTAssertEqual(fixture.generator, "tests/fixtures/make_torch_fixtures.py")
        XCTAssertFalse(fixture.torch.isEmpty)
        XCTAssertEqual(fixture.cases.count, 19)
    }

    func testDenseMatchesLinear() throws {
        let c = try Self.load().cases["linear"]!
        try check(Dense(weight: .zeros(c.state["weight"]!.shape), bias: .zeros(c.state["bias"]!.shape)), c, "linear")
    }

    func testConv2dMatchesTorch() throws {
        let cases = try Self.load().cases
        for name in ["conv_k4_s2_p1", "conv_k3_s1_p0"] {
            let c = cases[name]!
            let conv = Conv2d(weight: .zeros(c.state["weight"]!.shape), bias: .zeros(c.state["bias"]!.shape),
                              stride: c.int("stride"), padding: c.int("padding"))
            try check(conv, c, name)
        }
    }

    func testConvTranspose2dMatchesTorch() throws {
        let cases = try Self.load().cases
        for name in ["conv_transpose_k4_s2_p1", "conv_transpose_k3_s2_p1_op1"] {
            let c = cases[name]!
            let conv = ConvTranspose2d(weight: .zeros(c.state["weight"]!.shape), bias: .zeros(c.state["bias"]!.shape),
                                       stride: c.int("stride"), padding: c.int("padding"),
                                       outputPadding: c.int("output_padding"))
            try check(conv, c, name)
        }
    }

    func testBatchNorm1dMatchesTorchInTrainingAndEvaluation() throws {
        let cases = try Self.load().cases
        for name in ["batch_norm_1d_train", "batch_norm_1d_eval"] {
            let c = cases[name]!
            try check(BatchNorm(features: c.state["weight"]!.shape[0], momentum: c.float("momentum"),
                                epsilon: c.float("eps")), c, name)
        }
    }

    func testBatchNorm2dMatchesTorchInTrainingAndEvaluation() throws {
        let cases = try Self.load().cases
        for name in ["batch_norm_2d_train", "batch_norm_2d_eval"] {
            let c = cases[name]!
            try check(BatchNorm(features: c.state["weight"]!.shape[0], momentum: c.float("momentum"),
                                epsilon: c.float("eps")), c, name)
        }
    }

    func testActivationsMatchTorch() throws {
        let cases = try Self.load().cases
        for activation in Activation.allCases where activation != .identity {
            let name = "activation_\(activation.rawValue)"
            try check(ActivationLayer(activation), XCTUnwrap(cases[name], name), name)
        }
    }

    func testFlattenAndReshapeMatchTorch() throws {
        let cases = try Self.load().cases
        try check(Flatten(), cases["flatten"]!, "flatten")
        let reshape = cases["reshape"]!
        try check(Reshape(Array(reshape.output.shape.dropFirst())), reshape, "reshape")
    }

    /// Dropout in training. PyTorch draws its own mask, which its output shows (the zeros; the
    /// input has none); applied with that mask, ours must scale the kept elements by 1/(1 − rate)
    /// as torch does and pass the gradient through them alone.
    func testDropoutMatchesTorchUnderTorchsMask() throws {
        let c = try Self.load().cases["dropout_train"]!
        XCTAssertFalse(c.input.data.contains(0))
        let keep = c.output.data.map { $0 != 0 }
        let kept = keep.filter { $0 }.count
        XCTAssertTrue(kept > 0 && kept < keep.count, "torch's mask keeps \(kept) of \(keep.count)")
        let dropout = Dropout(rate: c.float("rate"))
        let x = Parameter(c.input.tensor), r = c.r.tensor
        var y = Tensor.zeros([0])
        let (loss, gradients) = valueAndGradient(of: [x]) { tape in
            let out = dropout(tape.watch(x), keeping: keep)
            y = out.value
            return (out * tape.constant(r)).sum()
        }
        assertMatches(y, c.output, "dropout output", file: #filePath, line: #line)
        XCTAssertEqual(loss, c.loss, accuracy: 1e-4 * Swift.max(1, abs(c.loss)), "dropout loss")
        assertMatches(gradients[0], c.inputGrad, "dropout input gradient", file: #filePath, line: #line)
    }

    /// A small convolutional autoencoder-like stack, loaded from torch's state dict by name
    /// ("0.weight", "1.running_mean", …), with every parameter's gradient matched by name.
    func testSequentialMatchesTorchByStateDictNames() throws {
        let c = try Self.load().cases["sequential_train"]!
        let model = Sequential([
            Conv2d(weight: .zeros([2, 1, 4, 4]), bias: .zeros([2]), stride: 2, padding: 1),
            BatchNorm(features: 2),
            ActivationLayer(.leakyRelu),
            Flatten(),
            Dense(weight: .zeros([18, 32]), bias: .zeros([18])),
            Reshape([2, 3, 3]),
            ConvTranspose2d(weight: .zeros([2, 1, 4, 4]), bias: .zeros([1]), stride: 2, padding: 1, outputPadding: 0),
            ActivationLayer(.sigmoid),
        ])
        try check(model, c, "sequential_train")
    }

    // MARK: the check

    /// Loads the case's state into `module` by name, runs it on the input (training or evaluation
    /// as recorded) under the loss sum(y * r), and compares output, loss, gradients and the
    /// running statistics after the step.
    private func check(_ module: any Module, _ c: Case, _ name: String, file: StaticString = #filePath,
                       line: UInt = #line) throws {
        try module.load(state: c.state.mapValues(\.tensor))
        XCTAssertEqual(Set(module.state.map(\.name)), Set(c.state.keys), "\(name): state dict names", file: file, line: line)
        let x = Parameter(c.input.tensor), r = c.r.tensor
        let named = module.namedParameters
        var context = ForwardContext(mode: c.mode == "train" ? .training : .evaluation)
        var y = Tensor.zeros([0])
        let (loss, gradients) = valueAndGradient(of: [x] + named.map(\.parameter)) { tape in
            let out = module(tape.watch(x), &context)
            y = out.value
            return (out * tape.constant(r)).sum()
        }
        assertMatches(y, c.output, "\(name) output", file: file, line: line)
        // The loss sums every output: its tolerance is that of a sum of up to ~100 terms.
        XCTAssertEqual(loss, c.loss, accuracy: 1e-4 * Swift.max(1, abs(c.loss)), "\(name) loss", file: file, line: line)
        assertMatches(gradients[0], c.inputGrad, "\(name) input gradient", file: file, line: line)
        XCTAssertEqual(Set(named.map(\.name)), Set(c.paramGrads.keys), "\(name): parameter names", file: file, line: line)
        for (i, (parameterName, _)) in named.enumerated() {
            guard let expected = c.paramGrads[parameterName] else { continue }
            assertMatches(gradients[i + 1], expected, "\(name) gradient of \(parameterName)", file: file, line: line)
        }
        if let after = c.stateAfter {
            let buffers = Dictionary(uniqueKeysWithValues: module.namedBuffers.map { ($0.name, $0.value) })
            XCTAssertEqual(Set(buffers.keys), Set(after.keys), "\(name): buffer names", file: file, line: line)
            for (bufferName, expected) in after {
                guard let value = buffers[bufferName] else { continue }
                assertMatches(value, expected, "\(name) \(bufferName) after the step", file: file, line: line)
            }
        }
    }

    private func assertMatches(_ actual: Tensor, _ expected: FixtureTensor, _ what: String,
                               file: StaticString, line: UInt) {
        XCTAssertEqual(actual.shape, expected.shape, "\(what): shape", file: file, line: line)
        guard actual.count == expected.data.count else { return }
        var worst: (ratio: Float, index: Int) = (0, 0)
        for (i, (a, e)) in zip(actual.scalars, expected.data).enumerated() {
            let ratio = abs(a - e) / (Self.absoluteTolerance + Self.relativeTolerance * abs(e))
            if !(ratio <= worst.ratio) { worst = (ratio.isNaN ? .infinity : ratio, i) }
        }
        XCTAssertLessThanOrEqual(worst.ratio, 1, "\(what): element \(worst.index) is \(actual.scalars[worst.index]), "
            + "torch \(expected.data[worst.index]) (\(worst.ratio)× the tolerance)", file: file, line: line)
    }

    // MARK: the fixture file

    struct FixtureTensor: Decodable {
        let shape: [Int]
        let data: [Float]
        var tensor: Tensor { Tensor(shape: shape, scalars: data) }
    }

    struct Case: Decodable {
        let mode: String
        let config: [String: Double]
        let state: [String: FixtureTensor]
        let input: FixtureTensor
        let r: FixtureTensor
        let loss: Float
        let output: FixtureTensor
        let inputGrad: FixtureTensor
        let paramGrads: [String: FixtureTensor]
        let stateAfter: [String: FixtureTensor]?

        enum CodingKeys: String, CodingKey {
            case mode, config, state, input, r, loss, output
            case inputGrad = "input_grad", paramGrads = "param_grads", stateAfter = "state_after"
        }

        func int(_ key: String) -> Int { Int(config[key]!) }
        func float(_ key: String) -> Float { Float(config[key]!) }
    }

    struct Fixture: Decodable {
        let generator: String
        let torch: String
        let cases: [String: Case]
    }

    /// Tests/NeuralNetTests/Fixtures/torch_blocks.json, found beside this source file.
    static func load() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/torch_blocks.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }
}
