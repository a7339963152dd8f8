import ArgumentParser
import Foundation
import NeuralNet
import TensorCore

/// One training step of the MLP autoencoder against the GEMMs it contains.
struct CoreBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "core",
        abstract: "Forward + backward + Adam of the 784-1200-1200-8-1200-1200-784 autoencoder against its sgemm-bound time.",
        discussion: """
        Prints the GFLOP/s of every sgemm shape one training step issues, the time of one step (forward, backward, Adam), the time of the same GEMMs alone (the sgemm-bound time), and their ratio. Times are medians over --iterations after --warmup steps.
        """
    )

    @Option(help: "OpenBLAS threads.") var threads = 2
    @Option(help: "Batch size.") var batch = 100
    @Option(help: "Timed iterations (the median is reported).") var iterations = 30
    @Option(help: "Untimed iterations first.") var warmup = 5

    static let sizes = [784, 1200, 1200, 8, 1200, 1200, 784]

    func run() throws {
        ComputeEnvironment.configure(threads: threads)
        var rng = RandomStream(seed: 1, purpose: "bench")
        let layers = zip(Self.sizes, Self.sizes.dropFirst()).map { Dense($0, $1, using: &rng) }
        let x = Tensor.uniform([batch, 784], using: &rng)
        let parameters = layers.flatMap(\.parameters)
        var adam = Adam(parameters, learningRate: 1e-4)

        print("AELab core benchmark: MLP \(Self.sizes.map(String.init).joined(separator: "-")), batch \(batch), \(BLAS.threads) BLAS threads")
        print("parameters: \(parameters.reduce(0) { $0 + $1.value.count })")
        print("")

        // The GEMMs of one step, as the autodiff issues them: for each layer y = x·wᵀ (forward),
        // dw = dyᵀ·x, and dx = dy·w for every layer but the first (its input is data).
        var shapes: [GemmShape] = []
        for (i, (n, o)) in zip(Self.sizes, Self.sizes.dropFirst()).enumerated() {
            shapes.append(GemmShape(name: "fwd  L\(i + 1) x·wᵀ", m: batch, n: o, k: n, transposeA: false, transposeB: true))
            shapes.append(GemmShape(name: "bwd  L\(i + 1) dyᵀ·x", m: o, n: n, k: batch, transposeA: true, transposeB: false))
            if i > 0 { shapes.append(GemmShape(name: "bwd  L\(i + 1) dy·w", m: batch, n: n, k: o, transposeA: false, transposeB: false)) }
        }

        print("sgemm shapes (m × n × k)            GFLOP/s    µs/call")
        var gemmBound = 0.0
        for s in shapes {
            let t = s.time(iterations: iterations, warmup: warmup)
            gemmBound += t
            print(pad(s.name, 22) + pad("\(s.m)×\(s.n)×\(s.k)", 16) + pad(String(format: "%8.1f", s.flops / t / 1e9), 10) + String(format: "%9.0f", t * 1e6))
        }

        func forward() -> ForwardPass {
            ForwardPass(of: parameters) { tape in
                var h = tape.constant(x)
                for (i, layer) in layers.enumerated() {
                    h = layer(h)
                    if i < layers.count - 1 && i != 2 { h = h.relu() }
                }
                return binaryCrossEntropy(logits: h, targets: x, reduction: .sumOverFeatures)
            }
        }
        func gradients() -> [Tensor] {
            var g = [Tensor](repeating: Tensor(0), count: parameters.count)
            forward().backward { g[$0] = $1 }
            return g
        }
        // The step as the trainer runs it (each layer's Adam update as soon as the backward pass
        // has its gradient), its variants and the GEMMs alone, timed in turn within each
        // iteration, so that load from other processes on this shared machine falls on all alike.
        let medians = timeInterleaved(iterations: iterations, warmup: warmup, [
            { for s in shapes { s.call() } },
            { adam.beginStep(); forward().backward { adam.apply($0, gradient: $1) } },
            { adam.update(gradients()) },
            { _ = gradients() },
        ])
        let (sequence, step, stepUnfused, forwardBackward) = (medians[0], medians[1], medians[2], medians[3])
        // Adam as it runs inside a step: right after the backward pass that produced its gradients.
        var adamInStepTimes: [Double] = []
        for i in 0..<(warmup + iterations) {
            let g = gradients()
            let start = DispatchTime.now().uptimeNanoseconds
            adam.update(g)
            if i >= warmup { adamInStepTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
        }
        let adamInStep = adamInStepTimes.sorted()[adamInStepTimes.count / 2]
        let grads = parameters.map { Tensor.zeros($0.shape) }
        // Adam reads p, g, m, v and writes p, m, v: seven float streams per parameter.
        let adamBytes = 7 * 4 * parameters.reduce(0) { $0 + $1.value.count }
        let adamOnly = timeMedian(iterations: iterations, warmup: warmup) { adam.update(grads) }

        let flops = shapes.reduce(0) { $0 + $1.flops }
        print("")
        print(String(format: "GEMMs per step: %d, %.2f GFLOP", shapes.count, flops / 1e9))
        print(String(format: "sgemm-bound time (the step's GEMMs in sequence): %7.2f ms  (%.1f GFLOP/s)", sequence * 1e3, flops / sequence / 1e9))
        print(String(format: "  (sum of per-shape medians:                    %7.2f ms)", gemmBound * 1e3))
        print(String(format: "one step: forward + backward + Adam (fused):     %7.2f ms  (%.1f GFLOP/s)", step * 1e3, flops / step / 1e9))
        print(String(format: "  the same, Adam after the whole backward pass:  %7.2f ms", stepUnfused * 1e3))
        print(String(format: "  forward + backward alone:                      %7.2f ms", forwardBackward * 1e3))
        print(String(format: "  Adam alone:                                    %7.2f ms  (%.0f MB of parameters, gradients and moments moved: %.1f GB/s)",
                     adamOnly * 1e3, Double(adamBytes) / 1e6, Double(adamBytes) / adamOnly / 1e9))
        print(String(format: "  Adam after a backward pass (as run unfused):   %7.2f ms  (%.1f GB/s)",
                     adamInStep * 1e3, Double(adamBytes) / adamInStep / 1e9))
        print(String(format: "ratio step / sgemm-bound: %.3f  (target ≤ 1.25)", step / sequence))
    }
}

struct GemmShape {
    let name: String
    let m: Int, n: Int, k: Int
    let transposeA: Bool, transposeB: Bool
    private var a = Tensor(0), b = Tensor(0)

    init(name: String, m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool) {
        self.name = name
        (self.m, self.n, self.k, self.transposeA, self.transposeB) = (m, n, k, transposeA, transposeB)
        var rng = RandomStream(seed: 2, purpose: name)
        a = Tensor.uniform(transposeA ? [k, m] : [m, k], using: &rng)
        b = Tensor.uniform(transposeB ? [n, k] : [k, n], using: &rng)
    }

    var flops: Double { 2 * Double(m) * Double(n) * Double(k) }

    func call() { _ = Tensor.matmul(a, b, transposeA: transposeA, transposeB: transposeB) }

    func time(iterations: Int, warmup: Int) -> Double {
        timeMedian(iterations: iterations, warmup: warmup) { call() }
    }
}

/// The median wall time in seconds of each of `bodies`, run in turn in every iteration.
func timeInterleaved(iterations: Int, warmup: Int, _ bodies: [() -> Void]) -> [Double] {
    for _ in 0..<warmup { for body in bodies { body() } }
    var times = [[Double]](repeating: [], count: bodies.count)
    for _ in 0..<max(iterations, 1) {
        for (i, body) in bodies.enumerated() {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            times[i].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
    }
    return times.map { $0.sorted()[$0.count / 2] }
}

/// The median wall time of `body` in seconds.
func timeMedian(iterations: Int, warmup: Int, _ body: () -> Void) -> Double {
    for _ in 0..<warmup { body() }
    var times: [Double] = []
    for _ in 0..<max(iterations, 1) {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return times.sorted()[times.count / 2]
}

func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
}
