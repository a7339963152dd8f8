import TensorCore
import _CKernels

extension BatchNorm {
    /// x: [batch, C, H, W] -> [batch, C, H, W], statistics per channel over batch, H and W
    /// (`torch.nn.BatchNorm2d`), computed as PyTorch's CPU kernels do:
    /// y = x·α + β′ with α = γ/√(σ² + ε), β′ = β − μ·α. In training μ and σ² (biased) are the
    /// batch's, and the running statistics move towards them (unbiased variance, count N·H·W);
    /// the input gradient is dx = (dy − mean(dy) − (x − μ)·mean(dy·(x − μ))/(σ² + ε))·α,
    /// dγ = Σ dy·(x − μ)/√(σ² + ε), dβ = Σ dy. In evaluation μ, σ² are the running statistics and
    /// dx = dy·α. Sums are accumulated in double.
    func spatial(_ x: Variable, _ context: ForwardContext) -> Variable {
        spatial(x, gamma: x.tape.watch(gamma), beta: x.tape.watch(beta), training: context.mode == .training)
    }

    /// The same with γ and β given as variables (for gradient checks).
    func spatial(_ x: Variable, gamma g: Variable, beta b: Variable, training: Bool) -> Variable {
        let (n, c) = (x.shape[0], x.shape[1])
        let inner = x.shape[2] * x.shape[3], count = n * inner
        precondition(count > 0, "BatchNorm: empty input \(x.shape)")
        precondition(g.shape == [c] && b.shape == [c], "BatchNorm: γ \(g.shape), β \(b.shape) for \(c) channels")
        let tape = x.tape
        let gammas = g.value.scalars, betas = b.value.scalars
        let chunk = imagesPerChunk(count)

        let mean: [Float], variance: [Float]
        if training {
            var sums = [Double](repeating: 0, count: c), squares = [Double](repeating: 0, count: c)
            var means = [Float](repeating: 0, count: c)
            x.value.withUnsafeBufferPointer { p in
                sums.withUnsafeMutableBufferPointer { s in
                    squares.withUnsafeMutableBufferPointer { q in
                        means.withUnsafeMutableBufferPointer { m in
                            let (src, sp, qp, mp) = (p.baseAddress!, s.baseAddress!, q.baseAddress!, m.baseAddress!)
                            parallelRanges(c, chunk: chunk) { r in
                                // Two passes over this range of channels: the sums, then the centred squares.
                                aelab_channel_sums(src, n, c, inner, r.lowerBound, r.upperBound, nil, sp, nil)
                                for j in r { mp[j] = Float(sp[j] / Double(count)) }
                                aelab_channel_sums(src, n, c, inner, r.lowerBound, r.upperBound, mp, nil, qp)
                            }
                        }
                    }
                }
            }
            mean = means
            variance = squares.map { Float($0 / Double(count)) }
            updateRunningStatistics(mean: Tensor(shape: [c], scalars: mean),
                                    variance: Tensor(shape: [c], scalars: variance), count: Float(count))
        } else {
            mean = runningMean.scalars
            variance = runningVariance.scalars
        }
        let invstd = variance.map { 1 / ($0 + epsilon).squareRoot() }
        let scale = (0..<c).map { gammas[$0] * invstd[$0] }
        let shift = (0..<c).map { betas[$0] - mean[$0] * scale[$0] }
        let y = Self.channelAffine(x.value, scale: scale, shift: shift, chunk: chunk)

        return tape.record(y, inputs: [x, g, b]) { dy, grads in
            var sumDy = [Double](repeating: 0, count: c), dot = [Double](repeating: 0, count: c)
            if training || g.isTracked || b.isTracked {
                dy.withUnsafeBufferPointer { d in
                    x.value.withUnsafeBufferPointer { xv in
                        sumDy.withUnsafeMutableBufferPointer { s in
                            dot.withUnsafeMutableBufferPointer { t in
                                let (dp, xp, sp, tp) = (d.baseAddress!, xv.baseAddress!, s.baseAddress!, t.baseAddress!)
                                parallelRanges(c, chunk: chunk) { r in
                                    aelab_channel_dot_centred(dp, xp, mean, n, c, inner, r.lowerBound, r.upperBound, sp, tp)
                                }
                            }
                        }
                    }
                }
            }
            if b.isTracked { grads.accumulate(b, Tensor(shape: [c], scalars: sumDy.map { Float($0) })) }
            if g.isTracked {
                grads.accumulate(g, Tensor(shape: [c], scalars: (0..<c).map { Float(dot[$0]) * invstd[$0] }))
            }
            guard x.isTracked else { return }
            guard training else {
                grads.accumulate(x, Self.channelAffine(dy, scale: scale, shift: nil, chunk: chunk))
                return
            }
            let meanDy = sumDy.map { Float($0 / Double(count)) }
            let k = (0..<c).map { Float(dot[$0] / Double(count)) * invstd[$0] * invstd[$0] }
            let dx = dy.withUnsafeBufferPointer { d in
                x.value.withUnsafeBufferPointer { xv in
                    Tensor(shape: x.shape, unsafeUninitialized: { out in
                        let (dp, xp, op) = (d.baseAddress!, xv.baseAddress!, out.baseAddress!)
                        parallelRanges(c, chunk: chunk) { r in
                            aelab_batch_norm_input_gradient(dp, xp, mean, meanDy, k, scale, n, c, inner,
                                                            r.lowerBound, r.upperBound, op)
                        }
                    })
                }
            }
            grads.accumulate(x, dx)
        }
    }

    /// y[:, c, :] = x[:, c, :]·scale[c] + shift[c] (shift nil: 0).
    private static func channelAffine(_ x: Tensor, scale: [Float], shift: [Float]?, chunk: Int) -> Tensor {
        let (n, c) = (x.shape[0], x.shape[1]), inner = x.count / (x.shape[0] * x.shape[1])
        return x.withUnsafeBufferPointer { p in
            Tensor(shape: x.shape, unsafeUninitialized: { out in
                let (src, dst) = (p.baseAddress!, out.baseAddress!)
                parallelRanges(c, chunk: chunk) { r in
                    if let shift {
                        aelab_channel_affine(src, scale, shift, n, c, inner, r.lowerBound, r.upperBound, dst)
                    } else {
                        aelab_channel_affine(src, scale, nil, n, c, inner, r.lowerBound, r.upperBound, dst)
                    }
                }
            })
        }
    }
}
