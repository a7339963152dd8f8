import TensorCore
import Glibc
import _CKernels

// Convolutions lowered onto the one matrix product (`Tensor.gemm`), a few images per product.
//
// For images [N, C, H, W] and a k×k kernel with stride s and padding p (outputs OH×OW, L = OH·OW),
// the column matrix of images n0 ..< n0 + B is [C·k·k, B·L]: row (c, ki, kj), column (n, oy, ox)
// holds image[n, c, oy·s − p + ki, ox·s − p + kj], 0 in the padding (`im2col`); `col2im` is its
// adjoint (each column entry added back where it was read). With the weight as a matrix [O, C·k·k]:
//   convolution:   Y [O, B·L] = W · columns(x), then y [B, O, L] = Y with its leading axes swapped + bias
//   its gradients: dY = dy swapped to [O, B·L]; dW += dY · columns(x)ᵀ; dx = col2im(Wᵀ · dY); db = Σ dy
// A transposed convolution is the convolution's input gradient, with the roles of x and y exchanged.
//
// B is chosen so that the column matrix stays in cache (`ConvolutionWorkspace.columnBudget`):
// measured on the autoencoder's 32→64 layer (batch 100, 2 threads), products over the whole
// batch at once (a 10 MB column matrix, written, then read from memory by the product, then
// written and read again in the backward pass) took ~30% longer than products over 2–5 images.

/// The shapes of one convolution: `channels`, `height`, `width` are those of the image side (a
/// convolution's input, a transposed convolution's output), `outHeight`, `outWidth` those of the
/// side with one value per kernel position.
struct ConvolutionGeometry {
    var batch: Int
    let channels: Int
    let height: Int
    let width: Int
    let kernel: Int
    let stride: Int
    let padding: Int
    let outHeight: Int
    let outWidth: Int

    /// The rows of the column matrix: C·k·k.
    var columnRows: Int { channels * kernel * kernel }
    /// Kernel positions per image: OH·OW.
    var outPlane: Int { outHeight * outWidth }
    /// The columns of the column matrix: N·OH·OW.
    var columnCount: Int { batch * outPlane }
    var imageShape: [Int] { [batch, channels, height, width] }
    /// Elements of one image: C·H·W.
    var imageSize: Int { channels * height * width }

    /// The same geometry for `count` images.
    func images(_ count: Int) -> ConvolutionGeometry {
        var g = self
        g.batch = count
        return g
    }
}

/// The scratch matrices of one convolution layer, reused from batch to batch (and from one group
/// of images to the next) instead of being allocated again. Each pass fills what it reads before
/// reading it: nothing in here is carried from one call to the next, so one layer may be used
/// several times on one tape (each backward recomputes its columns). Not for concurrent use: one
/// layer runs on one thread at a time.
final class ConvolutionWorkspace {
    /// The column matrix [C·k·k, B·L] of the images being processed.
    var columns = Tensor.zeros([0, 0])
    /// The other operand or result of the product, [channels, B·L] (swapped leading axes).
    var matrix = Tensor.zeros([0, 0])
    /// The most bytes of column matrix per product: images are processed in groups that fit
    /// (at least one image; `Int.max`: the whole batch in one product).
    let columnBudget: Int

    /// 512 KiB: half of a core's L2 cache on the machines measured (AMD EPYC, 1 MiB L2 per core).
    /// `AELAB_CONV_COLUMN_BUDGET` (bytes, for benchmarking the choice) replaces it.
    static let defaultColumnBudget: Int = {
        if let text = getenv("AELAB_CONV_COLUMN_BUDGET").map({ String(cString: $0) }), let bytes = Int(text), bytes > 0 {
            return bytes
        }
        return 1 << 19
    }()

    init(columnBudget: Int = ConvolutionWorkspace.defaultColumnBudget) {
        self.columnBudget = columnBudget
    }

    /// How many images of `geometry` go into one product.
    func imagesPerProduct(_ g: ConvolutionGeometry) -> Int {
        let perImage = Swift.max(1, g.columnRows * g.outPlane * MemoryLayout<Float>.size)
        return Swift.max(1, Swift.min(g.batch, columnBudget / perImage))
    }

    /// Gives `tensor` the shape `shape`, keeping its storage when the element count is the same
    /// (contents are then left as they are; otherwise uninitialised).
    static func fit(_ tensor: inout Tensor, _ shape: [Int]) {
        if tensor.shape == shape { return }
        let count = shape.reduce(1, *)
        tensor = tensor.count == count ? tensor.reshaped(shape) : Tensor(shape: shape, unsafeUninitialized: { _ in })
    }

    /// columns = im2col of the `g.batch` images at `image`.
    func im2col(_ image: UnsafePointer<Float>, _ g: ConvolutionGeometry) {
        Self.fit(&columns, [g.columnRows, g.columnCount])
        columns.withUnsafeMutableBufferPointer { target in
            let dst = target.baseAddress!
            parallelRanges(g.batch, chunk: 1) { r in
                aelab_im2col(image, g.batch, g.channels, g.height, g.width, g.kernel, g.stride, g.padding,
                             g.outHeight, g.outWidth, r.lowerBound, r.upperBound, dst)
            }
        }
    }

    /// The `g.batch` images at `image` = col2im(columns) (+ bias[c] on channel c).
    func col2im(into image: UnsafeMutablePointer<Float>, _ g: ConvolutionGeometry, bias: UnsafePointer<Float>?) {
        precondition(columns.shape == [g.columnRows, g.columnCount], "col2im: columns \(columns.shape) for \(g)")
        columns.withUnsafeBufferPointer { source in
            let src = source.baseAddress!
            parallelRanges(g.batch, chunk: 1) { r in
                aelab_col2im(src, g.batch, g.channels, g.height, g.width, g.kernel, g.stride, g.padding,
                             g.outHeight, g.outWidth, bias, r.lowerBound, r.upperBound, image)
            }
        }
    }

    /// matrix [b, a·inner] = the [a, b, inner] values at `source` with their leading axes swapped.
    func swapIntoMatrix(_ source: UnsafePointer<Float>, a: Int, b: Int, inner: Int) {
        Self.fit(&matrix, [b, a * inner])
        matrix.withUnsafeMutableBufferPointer { target in
            swapLeadingAxes(source, a: a, b: b, inner: inner, bias: nil, into: target.baseAddress!)
        }
    }

    /// [b, a, inner] at `target` = matrix [a, b·inner] with its leading axes swapped (+ bias[i] on row i).
    func swapOutOfMatrix(into target: UnsafeMutablePointer<Float>, a: Int, b: Int, inner: Int, bias: UnsafePointer<Float>?) {
        precondition(matrix.count == a * b * inner, "swapOutOfMatrix: matrix \(matrix.shape) for [\(a), \(b), \(inner)]")
        matrix.withUnsafeBufferPointer { source in
            swapLeadingAxes(source.baseAddress!, a: a, b: b, inner: inner, bias: bias, into: target)
        }
    }
}

/// A chunk for `parallelRanges` over images (or channels) of `perItem` elements each: about 64 Ki
/// elements of work per chunk, at least one item.
@inline(__always)
func imagesPerChunk(_ perItem: Int) -> Int { Swift.max(1, (1 << 16) / Swift.max(perItem, 1)) }

/// The [b, a, inner] values at `target` = the [a, b, inner] values at `source` with their leading
/// axes swapped, plus `bias[i]` on source row i when given.
func swapLeadingAxes(_ source: UnsafePointer<Float>, a: Int, b: Int, inner: Int, bias: UnsafePointer<Float>?,
                     into target: UnsafeMutablePointer<Float>) {
    parallelRanges(b, chunk: imagesPerChunk(a * inner)) { r in
        aelab_swap_leading_axes(source, a, b, inner, bias, r.lowerBound, r.upperBound, target)
    }
}

/// Σ over batch and positions of x [batch, channels, inner…], per channel: [channels].
func channelSums(_ x: Tensor) -> Tensor {
    let batch = x.shape[0], channels = x.shape[1], inner = x.count / Swift.max(batch * channels, 1)
    var sums = [Double](repeating: 0, count: channels)
    x.withUnsafeBufferPointer { p in
        sums.withUnsafeMutableBufferPointer { s in
            guard let src = p.baseAddress, let dst = s.baseAddress else { return }
            parallelRanges(channels, chunk: imagesPerChunk(batch * inner)) { r in
                aelab_channel_sums(src, batch, channels, inner, r.lowerBound, r.upperBound, nil, dst, nil)
            }
        }
    }
    return Tensor(shape: [channels], scalars: sums.map { Float($0) })
}

/// Calls `body` with the tensor's elements, or with nil when there is no tensor.
@inline(__always)
func withOptionalPointer<R>(_ tensor: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let tensor else { return body(nil) }
    return tensor.withUnsafeBufferPointer { body($0.baseAddress) }
}


extension Variable {
    /// `torch.nn.functional.conv2d` with a square kernel: x [N, inC, H, W], weight [outC, inC, k, k],
    /// bias [outC] -> y [N, outC, OH, OW], OH = ⌊(H + 2p − k)/s⌋ + 1.
    ///
    /// For each group of B images: Y [outC, B·OH·OW] = W [outC, inC·k²] · columns(x) [inC·k², B·OH·OW],
    /// whose leading axes are swapped into y (+ bias). Backward, per group: with dY = dy as
    /// [outC, B·OH·OW], dW += dY · columns(x)ᵀ (the columns computed again from x), dx =
    /// col2im(Wᵀ · dY); db = Σ dy over batch and positions. Only for the tracked ones.
    static func convolution2d(_ x: Variable, weight wv: Variable, bias bv: Variable, stride s: Int, padding p: Int,
                              workspace ws: ConvolutionWorkspace) -> Variable {
        precondition(x.value.rank == 4 && wv.value.rank == 4 && x.shape[1] == wv.shape[1] && x.shape[0] >= 1
                     && wv.shape[2] == wv.shape[3] && bv.shape == [wv.shape[0]],
                     "Conv2d: input \(x.shape), weight \(wv.shape), bias \(bv.shape) do not fit")
        let (n, h, w, k) = (x.shape[0], x.shape[2], x.shape[3], wv.shape[2])
        precondition(s >= 1 && p >= 0 && h + 2 * p >= k && w + 2 * p >= k,
                     "Conv2d: input \(x.shape) too small for kernel \(k) with padding \(p) (or stride \(s) < 1)")
        let g = ConvolutionGeometry(batch: n, channels: x.shape[1], height: h, width: w, kernel: k, stride: s,
                                    padding: p, outHeight: (h + 2 * p - k) / s + 1, outWidth: (w + 2 * p - k) / s + 1)
        let outC = wv.shape[0], plane = g.outPlane, group = ws.imagesPerProduct(g)
        let weightMatrix = wv.value.reshaped([outC, g.columnRows])
        var y = Tensor(shape: [n, outC, g.outHeight, g.outWidth], unsafeUninitialized: { _ in })
        x.value.withUnsafeBufferPointer { xs in
            bv.value.withUnsafeBufferPointer { bias in
                y.withUnsafeMutableBufferPointer { ys in
                    for n0 in Swift.stride(from: 0, to: n, by: group) {
                        let part = g.images(Swift.min(group, n - n0))
                        ws.im2col(xs.baseAddress! + n0 * g.imageSize, part)
                        ConvolutionWorkspace.fit(&ws.matrix, [outC, part.columnCount])
                        Tensor.gemm(weightMatrix, false, ws.columns, false, into: &ws.matrix)
                        ws.swapOutOfMatrix(into: ys.baseAddress! + n0 * outC * plane, a: outC, b: part.batch,
                                           inner: plane, bias: bias.baseAddress)
                    }
                }
            }
        }
        return x.tape.record(y, inputs: [x, wv, bv]) { dy, grads in
            if bv.isTracked { grads.accumulate(bv, channelSums(dy)) }
            guard x.isTracked || wv.isTracked else { return }
            var dw = wv.isTracked ? Tensor(shape: [outC, g.columnRows], unsafeUninitialized: { _ in }) : nil
            var dx = x.isTracked ? Tensor(shape: x.shape, unsafeUninitialized: { _ in }) : nil
            dy.withUnsafeBufferPointer { dys in
                x.value.withUnsafeBufferPointer { xs in
                    withOptionalMutablePointer(&dx) { dxs in
                        for n0 in Swift.stride(from: 0, to: n, by: group) {
                            let part = g.images(Swift.min(group, n - n0))
                            ws.swapIntoMatrix(dys.baseAddress! + n0 * outC * plane, a: part.batch, b: outC,
                                              inner: plane)                           // dY [outC, B·L]
                            if dw != nil {
                                ws.im2col(xs.baseAddress! + n0 * g.imageSize, part)
                                Tensor.gemm(ws.matrix, false, ws.columns, true, into: &dw!, beta: n0 == 0 ? 0 : 1)
                            }
                            if let dxs {
                                ConvolutionWorkspace.fit(&ws.columns, [g.columnRows, part.columnCount])
                                Tensor.gemm(weightMatrix, true, ws.matrix, false, into: &ws.columns)
                                ws.col2im(into: dxs + n0 * g.imageSize, part, bias: nil)
                            }
                        }
                    }
                }
            }
            if let dw { grads.accumulate(wv, dw.reshaped(wv.shape)) }
            if let dx { grads.accumulate(x, dx) }
        }
    }

    /// `torch.nn.functional.conv_transpose2d` with a square kernel: x [N, inC, H, W], weight
    /// [inC, outC, k, k], bias [outC] -> y [N, outC, OH, OW], OH = (H − 1)·s − 2p + k + outputPadding.
    ///
    /// The input gradient of the convolution from y's shape to x's. For each group of B images:
    /// with X = x as [inC, B·H·W], columns [outC·k², B·H·W] = Wᵀ · X (W as [inC, outC·k²]),
    /// y = col2im(columns) + bias. Backward, per group: with columns(dy) from im2col,
    /// dX = W · columns(dy) (swapped back into dx), dW += X · columns(dy)ᵀ; db = Σ dy over batch and
    /// positions. Only for the tracked ones.
    static func transposedConvolution2d(_ x: Variable, weight wv: Variable, bias bv: Variable, stride s: Int,
                                        padding p: Int, outputPadding op: Int,
                                        workspace ws: ConvolutionWorkspace) -> Variable {
        precondition(x.value.rank == 4 && wv.value.rank == 4 && x.shape[1] == wv.shape[0] && x.shape[0] >= 1
                     && wv.shape[2] == wv.shape[3] && bv.shape == [wv.shape[1]],
                     "ConvTranspose2d: input \(x.shape), weight \(wv.shape), bias \(bv.shape) do not fit")
        let (n, h, w, k) = (x.shape[0], x.shape[2], x.shape[3], wv.shape[2])
        let oh = (h - 1) * s - 2 * p + k + op, ow = (w - 1) * s - 2 * p + k + op
        precondition(s >= 1 && p >= 0 && op >= 0 && op < s && oh >= 1 && ow >= 1,
                     "ConvTranspose2d: stride \(s), padding \(p), output padding \(op) leave no output from \(x.shape)")
        let g = ConvolutionGeometry(batch: n, channels: wv.shape[1], height: oh, width: ow, kernel: k,
                                    stride: s, padding: p, outHeight: h, outWidth: w)
        let inC = x.shape[1], plane = g.outPlane, group = ws.imagesPerProduct(g)
        let weightMatrix = wv.value.reshaped([inC, g.columnRows])
        var y = Tensor(shape: g.imageShape, unsafeUninitialized: { _ in })
        x.value.withUnsafeBufferPointer { xs in
            bv.value.withUnsafeBufferPointer { bias in
                y.withUnsafeMutableBufferPointer { ys in
                    for n0 in Swift.stride(from: 0, to: n, by: group) {
                        let part = g.images(Swift.min(group, n - n0))
                        ws.swapIntoMatrix(xs.baseAddress! + n0 * inC * plane, a: part.batch, b: inC,
                                          inner: plane)                                // X [inC, B·H·W]
                        ConvolutionWorkspace.fit(&ws.columns, [g.columnRows, part.columnCount])
                        Tensor.gemm(weightMatrix, true, ws.matrix, false, into: &ws.columns)
                        ws.col2im(into: ys.baseAddress! + n0 * g.imageSize, part, bias: bias.baseAddress)
                    }
                }
            }
        }
        return x.tape.record(y, inputs: [x, wv, bv]) { dy, grads in
            if bv.isTracked { grads.accumulate(bv, channelSums(dy)) }
            guard x.isTracked || wv.isTracked else { return }
            var dw = wv.isTracked ? Tensor(shape: [inC, g.columnRows], unsafeUninitialized: { _ in }) : nil
            var dx = x.isTracked ? Tensor(shape: x.shape, unsafeUninitialized: { _ in }) : nil
            dy.withUnsafeBufferPointer { dys in
                x.value.withUnsafeBufferPointer { xs in
                    withOptionalMutablePointer(&dx) { dxs in
                        for n0 in Swift.stride(from: 0, to: n, by: group) {
                            let part = g.images(Swift.min(group, n - n0))
                            ws.im2col(dys.baseAddress! + n0 * g.imageSize, part)
                            if dw != nil {
                                ws.swapIntoMatrix(xs.baseAddress! + n0 * inC * plane, a: part.batch, b: inC, inner: plane)
                                Tensor.gemm(ws.matrix, false, ws.columns, true, into: &dw!, beta: n0 == 0 ? 0 : 1)
                            }
                            if let dxs {
                                ConvolutionWorkspace.fit(&ws.matrix, [inC, part.columnCount])
                                Tensor.gemm(weightMatrix, false, ws.columns, false, into: &ws.matrix)
                                ws.swapOutOfMatrix(into: dxs + n0 * inC * plane, a: inC, b: part.batch, inner: plane,
                                                   bias: nil)
                            }
                        }
                    }
                }
            }
            if let dw { grads.accumulate(wv, dw.reshaped(wv.shape)) }
            if let dx { grads.accumulate(x, dx) }
        }
    }
}

/// Calls `body` with the tensor's elements to write, or with nil when there is no tensor.
@inline(__always)
func withOptionalMutablePointer<R>(_ tensor: inout Tensor?, _ body: (UnsafeMutablePointer<Float>?) -> R) -> R {
    guard tensor != nil else { return body(nil) }
    return tensor!.withUnsafeMutableBufferPointer { body($0.baseAddress) }
}
