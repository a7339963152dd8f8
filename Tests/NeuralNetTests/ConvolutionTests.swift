import Foundation
@testable import NeuralNet
import TensorCore
import XCTest

/// Conv2d, ConvTranspose2d and BatchNorm over [batch, C, H, W]: gradients against central
/// differences, forward passes against direct sums, the workspace's reuse. (PyTorch's values are
/// matched in TorchFixtureTests.)
final class ConvolutionTests: XCTestCase {
    struct Geometry: CustomStringConvertible {
        let inC: Int, outC: Int, kernel: Int, stride: Int, padding: Int, outputPadding: Int
        let input: [Int]
        var description: String {
            "in \(inC) out \(outC) k\(kernel) s\(stride) p\(padding) op\(outputPadding) input \(input)"
        }
        var convOutput: [Int] {
            [input[0], outC, (input[2] + 2 * padding - kernel) / stride + 1, (input[3] + 2 * padding - kernel) / stride + 1]
        }
        var transposedOutput: [Int] {
            [input[0], outC, (input[2] - 1) * stride - 2 * padding + kernel + outputPadding,
             (input[3] - 1) * stride - 2 * padding + kernel + outputPadding]
        }
    }

    static let convolutions = [
        Geometry(inC: 2, outC: 3, kernel: 4, stride: 2, padding: 1, outputPadding: 0, input: [2, 2, 7, 7]),  // the autoencoder's, odd size
        Geometry(inC: 3, outC: 2, kernel: 3, stride: 1, padding: 0, outputPadding: 0, input: [3, 3, 5, 6]),  // H ≠ W
        Geometry(inC: 1, outC: 2, kernel: 3, stride: 2, padding: 2, outputPadding: 0, input: [2, 1, 6, 5]),  // sizes not a multiple of the stride
    ]

    static let transposed = [
        Geometry(inC: 3, outC: 2, kernel: 4, stride: 2, padding: 1, outputPadding: 0, input: [2, 3, 4, 5]),
        Geometry(inC: 2, outC: 3, kernel: 3, stride: 2, padding: 1, outputPadding: 1, input: [2, 2, 3, 4]),
        Geometry(inC: 2, outC: 2, kernel: 3, stride: 1, padding: 0, outputPadding: 0, input: [3, 2, 5, 4]),
    ]

    // MARK: gradients against central differences

    func testConv2dGradientsMatchFiniteDifferences() {
        var rng = RandomStream(seed: 11, purpose: "conv")
        for g in Self.convolutions {
            let x = Tensor.normal(g.input, using: &rng)
            let w = Tensor.normal([g.outC, g.inC, g.kernel, g.kernel], std: 0.5, using: &rng)
            let b = Tensor.normal([g.outC], using: &rng)
            let r = Tensor.normal(g.convOutput, using: &rng)
            for workspace in Self.workspaces(g, transposed: false) {
                let check = checkGradients([x, w, b]) { tape, v in
                    (Variable.convolution2d(v[0], weight: v[1], bias: v[2], stride: g.stride, padding: g.padding,
                                            workspace: workspace) * tape.constant(r)).sum()
                }
                XCTAssertTrue(check.passed, "\(g), \(workspace.columnBudget) bytes per product: \(check)")
            }
        }
    }

    func testConvTranspose2dGradientsMatchFiniteDifferences() {
        var rng = RandomStream(seed: 12, purpose: "conv")
        for g in Self.transposed {
            let x = Tensor.normal(g.input, using: &rng)
            let w = Tensor.normal([g.inC, g.outC, g.kernel, g.kernel], std: 0.5, using: &rng)
            let b = Tensor.normal([g.outC], using: &rng)
            let r = Tensor.normal(g.transposedOutput, using: &rng)
            for workspace in Self.workspaces(g, transposed: true) {
                let check = checkGradients([x, w, b]) { tape, v in
                    (Variable.transposedConvolution2d(v[0], weight: v[1], bias: v[2], stride: g.stride,
                                                      padding: g.padding, outputPadding: g.outputPadding,
                                                      workspace: workspace) * tape.constant(r)).sum()
                }
                XCTAssertTrue(check.passed, "\(g), \(workspace.columnBudget) bytes per product: \(check)")
            }
        }
    }

    /// One layer twice in a row on one tape (shared weights, one workspace): each backward
    /// recomputes its own columns, and the weight gets the sum of both uses' gradients.
    func testALayerAppliedTwiceInARowHasCorrectGradients() {
        var rng = RandomStream(seed: 13, purpose: "conv")
        let x = Tensor.normal([2, 2, 6, 5], using: &rng)
        let w = Tensor.normal([2, 2, 3, 3], std: 0.4, using: &rng), b = Tensor.normal([2], using: &rng)
        let r = Tensor.normal([2, 2, 6, 5], using: &rng)
        let workspace = ConvolutionWorkspace(columnBudget: 1)    // one image per product
        let check = checkGradients([x, w, b]) { tape, v in
            let h = Variable.convolution2d(v[0], weight: v[1], bias: v[2], stride: 1, padding: 1, workspace: workspace)
            let y = Variable.convolution2d(h.tanh(), weight: v[1], bias: v[2], stride: 1, padding: 1, workspace: workspace)
            return (y * tape.constant(r)).sum()
        }
        XCTAssertTrue(check.passed, "\(check)")
        let tw = Tensor.normal([2, 2, 4, 4], std: 0.4, using: &rng), tb = Tensor.normal([2], using: &rng)
        let tr = Tensor.normal([2, 2, 24, 20], using: &rng)
        let transposedCheck = checkGradients([x, tw, tb]) { tape, v in
            let h = Variable.transposedConvolution2d(v[0], weight: v[1], bias: v[2], stride: 2, padding: 1,
                                                     outputPadding: 0, workspace: workspace)
            let y = Variable.transposedConvolution2d(h.tanh(), weight: v[1], bias: v[2], stride: 2, padding: 1,
                                                     outputPadding: 0, workspace: workspace)
            return (y * tape.constant(tr)).sum()
        }
        XCTAssertTrue(transposedCheck.passed, "\(transposedCheck)")
    }

    /// One module on two batches of different sizes on one tape: the gradients are those of the
    /// two uses computed apart, added; a constant input gets none (its gradient is skipped).
    func testAModuleUsedOnTwoBatchesSumsTheirGradients() throws {
        var rng = RandomStream(seed: 14, purpose: "conv")
        let conv = Conv2d(inChannels: 2, outChannels: 3, kernel: 4, stride: 2, padding: 1, using: &rng)
        let deconv = ConvTranspose2d(inChannels: 3, outChannels: 2, kernel: 4, stride: 2, padding: 1, using: &rng)
        let x1 = Parameter(Tensor.normal([3, 2, 8, 8], using: &rng)), x2 = Tensor.normal([2, 2, 10, 10], using: &rng)
        let r1 = Tensor.normal([3, 2, 8, 8], using: &rng), r2 = Tensor.normal([2, 2, 10, 10], using: &rng)
        let parameters = [x1] + conv.parameters + deconv.parameters
        var context = ForwardContext(mode: .training)
        func loss(_ tape: Tape, first: Bool, second: Bool) -> Variable {
            var total = tape.constant(Tensor(0))
            if first { total = total + (deconv(conv(tape.watch(x1), &context), &context) * tape.constant(r1)).sum() }
            if second { total = total + (deconv(conv(tape.constant(x2), &context), &context) * tape.constant(r2)).sum() }
            return total
        }
        let both = valueAndGradient(of: parameters) { loss($0, first: true, second: true) }
        let first = valueAndGradient(of: parameters) { loss($0, first: true, second: false) }
        let second = valueAndGradient(of: parameters) { loss($0, first: false, second: true) }
        XCTAssertEqual(both.value, first.value + second.value, accuracy: 1e-4)
        for i in parameters.indices {
            assertClose(both.gradients[i], first.gradients[i] + second.gradients[i], tolerance: 1e-4)
        }
        XCTAssertEqual(second.gradients[0], Tensor.zeros(x1.shape))
    }

    // MARK: forward passes against direct sums

    /// Forward passes, the whole batch in one product or in groups (uneven ones too), against the
    /// definitions written as loops.
    func testForwardPassesMatchDirectSums() {
        var rng = RandomStream(seed: 15, purpose: "conv")
        for g in Self.convolutions {
            let x = Tensor.normal(g.input, using: &rng)
            let w = Tensor.normal([g.outC, g.inC, g.kernel, g.kernel], using: &rng), b = Tensor.normal([g.outC], using: &rng)
            let expected = Self.directConvolution(x, w, b, g)
            for workspace in Self.workspaces(g, transposed: false) {
                let y = withoutGradient { tape in
                    Variable.convolution2d(tape.constant(x), weight: tape.constant(w), bias: tape.constant(b),
                                           stride: g.stride, padding: g.padding, workspace: workspace).value
                }
                assertClose(y, expected, tolerance: 1e-5)
            }
        }
        for g in Self.transposed {
            let x = Tensor.normal(g.input, using: &rng)
            let w = Tensor.normal([g.inC, g.outC, g.kernel, g.kernel], using: &rng), b = Tensor.normal([g.outC], using: &rng)
            let expected = Self.directTransposedConvolution(x, w, b, g)
            for workspace in Self.workspaces(g, transposed: true) {
                let y = withoutGradient { tape in
                    Variable.transposedConvolution2d(tape.constant(x), weight: tape.constant(w), bias: tape.constant(b),
                                                     stride: g.stride, padding: g.padding,
                                                     outputPadding: g.outputPadding, workspace: workspace).value
                }
                assertClose(y, expected, tolerance: 1e-5)
            }
        }
    }

    /// The column matrix is allocated once and reused by later batches of the same size.
    func testWorkspaceIsReusedBetweenBatches() {
        var rng = RandomStream(seed: 16, purpose: "conv")
        let conv = Conv2d(inChannels: 2, outChannels: 4, kernel: 4, stride: 2, padding: 1, using: &rng)
        let x = Tensor.normal([5, 2, 8, 8], using: &rng)
        var context = ForwardContext(mode: .training)
        func step() {
            _ = valueAndGradient(of: conv.parameters) { tape in conv(tape.constant(x), &context).squared().sum() }
        }
        func addresses() -> [UnsafePointer<Float>?] {
            [conv.workspace.columns.withUnsafeBufferPointer(\.baseAddress),
             conv.workspace.matrix.withUnsafeBufferPointer(\.baseAddress)]
        }
        step()
        let before = addresses()
        step()
        step()
        XCTAssertEqual(addresses(), before)
        XCTAssertEqual(conv.workspace.columns.shape, [2 * 16, 5 * 4 * 4])
    }

    // MARK: batch norm over [batch, C, H, W]

    func testSpatialBatchNormGradientsMatchFiniteDifferences() {
        var rng = RandomStream(seed: 17, purpose: "bn")
        let bn = BatchNorm(features: 3)
        bn.setRunningStatistics(mean: Tensor(shape: [3], scalars: [0.3, -0.2, 1]),
                                variance: Tensor(shape: [3], scalars: [0.8, 1.5, 2]))
        let x = Tensor.normal([4, 3, 3, 2], mean: 1, std: 2, using: &rng)
        let gamma = Tensor(shape: [3], scalars: [1.5, 0.5, 2]), beta = Tensor(shape: [3], scalars: [0.1, 0.2, 0.3])
        let r = Tensor.normal([4, 3, 3, 2], using: &rng)
        for training in [true, false] {
            let check = checkGradients([x, gamma, beta]) { tape, v in
                (bn.spatial(v[0], gamma: v[1], beta: v[2], training: training) * tape.constant(r)).sum()
            }
            XCTAssertTrue(check.passed, "training \(training): \(check)")
        }
    }

    /// BatchNorm2d is BatchNorm1d over [batch·H·W, C]: the dense path (separate code) gives the
    /// same output, running statistics (count N·H·W) and gradients, in training and evaluation.
    func testSpatialBatchNormIsDenseBatchNormOverPositions() {
        var rng = RandomStream(seed: 18, purpose: "bn")
        let (n, c, h, w) = (5, 3, 4, 3)
        let x = Tensor.normal([n, c, h, w], mean: 2, std: 3, using: &rng)
        let r = Tensor.normal([n, c, h, w], using: &rng)
        let spatial = BatchNorm(features: c, momentum: 0.2), dense = BatchNorm(features: c, momentum: 0.2)
        for bn in [spatial, dense] {
            bn.gamma.value = Tensor(shape: [c], scalars: [1.5, 0.5, 2])
            bn.beta.value = Tensor(shape: [c], scalars: [0.1, -0.2, 0.3])
        }
        for mode in [Mode.training, .training, .evaluation] {
            var context = ForwardContext(mode: mode)
            let xs = Parameter(x), xd = Parameter(Self.positionsByChannel(x))
            var ys = Tensor.zeros([0]), yd = Tensor.zeros([0])
            let gs = valueAndGradient(of: [xs] + spatial.parameters) { tape in
                let y = spatial(tape.watch(xs), &context)
                ys = y.value
                return (y * tape.constant(r)).sum()
            }
            let gd = valueAndGradient(of: [xd] + dense.parameters) { tape in
                let y = dense(tape.watch(xd), &context)
                yd = y.value
                return (y * tape.constant(Self.positionsByChannel(r))).sum()
            }
            assertClose(Self.positionsByChannel(ys), yd, tolerance: 1e-5)
            assertClose(Self.positionsByChannel(gs.gradients[0]), gd.gradients[0], tolerance: 1e-5)
            assertClose(gs.gradients[1], gd.gradients[1], tolerance: 1e-4)
            assertClose(gs.gradients[2], gd.gradients[2], tolerance: 1e-4)
            assertClose(spatial.runningMean, dense.runningMean, tolerance: 1e-5)
            assertClose(spatial.runningVariance, dense.runningVariance, tolerance: 1e-5)
        }
        // In training the output has, per channel, mean β and standard deviation γ (biased).
        var context = ForwardContext(mode: .training)
        let y = Self.positionsByChannel(withoutGradient { tape in spatial(tape.constant(x), &context).value })
        let mean = y.mean(alongAxis: 0)
        assertClose(mean, spatial.beta.value, tolerance: 1e-5)
        assertClose((y - mean).squared().mean(alongAxis: 0).squareRoot(), spatial.gamma.value, tolerance: 1e-3)
    }

    // MARK: timing (opt-in)

    /// The convolutional autoencoder's four layers on MNIST-sized batches of 100, forward and
    /// backward, with AELAB_CONV_TIMING=1 (e.g. `AELAB_CONV_TIMING=1 swift test --filter
    /// ConvolutionTests/testTiming`); NeuralNet and TensorCore are optimised even in debug builds.
    func testTimingOfTheAutoencoderLayers() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["AELAB_CONV_TIMING"] != nil, "set AELAB_CONV_TIMING=1")
        var rng = RandomStream(seed: 19, purpose: "timing")
        let layers: [(String, any Module, [Int], Bool)] = [
            ("conv 1→32 k4 s2 p1, 28→14", Conv2d(inChannels: 1, outChannels: 32, kernel: 4, stride: 2, padding: 1, using: &rng), [100, 1, 28, 28], false),
            ("conv 32→64 k4 s2 p1, 14→7", Conv2d(inChannels: 32, outChannels: 64, kernel: 4, stride: 2, padding: 1, using: &rng), [100, 32, 14, 14], true),
            ("convT 64→32 k4 s2 p1, 7→14", ConvTranspose2d(inChannels: 64, outChannels: 32, kernel: 4, stride: 2, padding: 1, using: &rng), [100, 64, 7, 7], true),
            ("convT 32→1 k4 s2 p1, 14→28", ConvTranspose2d(inChannels: 32, outChannels: 1, kernel: 4, stride: 2, padding: 1, using: &rng), [100, 32, 14, 14], true),
        ]
        var context = ForwardContext(mode: .training)
        for (name, layer, shape, inputGradient) in layers {
            let x = Parameter(Tensor.normal(shape, using: &rng))
            let parameters = inputGradient ? [x] + layer.parameters : layer.parameters
            func step() {
                _ = valueAndGradient(of: parameters) { tape in layer(tape.watch(x), &context).sum() }
            }
            for _ in 0..<5 { step() }
            var times: [Double] = []
            for _ in 0..<30 {
                let start = DispatchTime.now().uptimeNanoseconds
                step()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            times.sort()
            print(String(format: "%@: forward+backward %.2f ms (median of 30, min %.2f)", name, times[15], times[0]))
        }
    }

    // MARK: helpers

    /// Workspaces that take one image per product, two (uneven groups for a batch of 3), and the
    /// whole batch at once.
    static func workspaces(_ g: Geometry, transposed: Bool) -> [ConvolutionWorkspace] {
        let out = transposed ? g.input : g.convOutput
        let rows = (transposed ? g.outC : g.inC) * g.kernel * g.kernel
        let bytesPerImage = rows * out[2] * out[3] * MemoryLayout<Float>.size
        return [1, 2 * bytesPerImage, Int.max].map { ConvolutionWorkspace(columnBudget: $0) }
    }

    /// [N, C, H, W] -> [N·H·W, C].
    static func positionsByChannel(_ x: Tensor) -> Tensor {
        let (n, c) = (x.shape[0], x.shape[1]), l = x.count / (n * c)
        var out = [Float](repeating: 0, count: x.count)
        for i in 0..<n { for j in 0..<c { for p in 0..<l { out[(i * l + p) * c + j] = x.scalars[(i * c + j) * l + p] } } }
        return Tensor(shape: [n * l, c], scalars: out)
    }

    static func directConvolution(_ x: Tensor, _ w: Tensor, _ b: Tensor, _ g: Geometry) -> Tensor {
        let out = g.convOutput, (h, wd, k) = (g.input[2], g.input[3], g.kernel)
        var y = [Float](repeating: 0, count: out.reduce(1, *))
        for n in 0..<out[0] { for o in 0..<out[1] { for i in 0..<out[2] { for j in 0..<out[3] {
            var s = b.scalars[o]
            for c in 0..<g.inC { for ki in 0..<k { for kj in 0..<k {
                let (y0, x0) = (i * g.stride - g.padding + ki, j * g.stride - g.padding + kj)
                guard y0 >= 0 && y0 < h && x0 >= 0 && x0 < wd else { continue }
                s += x.scalars[((n * g.inC + c) * h + y0) * wd + x0] * w.scalars[((o * g.inC + c) * k + ki) * k + kj]
            } } }
            y[((n * out[1] + o) * out[2] + i) * out[3] + j] = s
        } } } }
        return Tensor(shape: out, scalars: y)
    }

    /// By its definition: each input element scatters its kernel-weighted copy into the output.
    static func directTransposedConvolution(_ x: Tensor, _ w: Tensor, _ b: Tensor, _ g: Geometry) -> Tensor {
        let out = g.transposedOutput, (h, wd, k) = (g.input[2], g.input[3], g.kernel)
        var y = [Float](repeating: 0, count: out.reduce(1, *))
        for n in 0..<out[0] { for o in 0..<out[1] { for p in 0..<(out[2] * out[3]) {
            y[(n * out[1] + o) * out[2] * out[3] + p] = b.scalars[o]
        } } }
        for n in 0..<g.input[0] { for c in 0..<g.inC { for i in 0..<h { for j in 0..<wd {
            for o in 0..<g.outC { for ki in 0..<k { for kj in 0..<k {
                let (y0, x0) = (i * g.stride - g.padding + ki, j * g.stride - g.padding + kj)
                guard y0 >= 0 && y0 < out[2] && x0 >= 0 && x0 < out[3] else { continue }
                y[((n * g.outC + o) * out[2] + y0) * out[3] + x0] +=
                    x.scalars[((n * g.inC + c) * h + i) * wd + j] * w.scalars[((c * g.outC + o) * k + ki) * k + kj]
            } } }
        } } } }
        return Tensor(shape: out, scalars: y)
    }
}
