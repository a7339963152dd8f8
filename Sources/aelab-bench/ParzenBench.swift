import ArgumentParser
import Datasets
import Evaluation
import Foundation
import TensorCore

/// The Parzen protocol at the paper's size against the one GEMM it cannot avoid.
struct ParzenBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parzen",
        abstract: "Parzen evaluation: validation + test points against generated samples, a σ grid, vs the single sgemm.",
        discussion: """
        Samples: the first N MNIST training images (uniform noise if MNIST is absent); validation: the last images of the training file; test: the test images. Prints the evaluation's seconds, the seconds of the one samples × test sgemm, their ratio (target ≤ 1.3), peak resident memory, and a final line aelab_parzen_seconds=… (scripts/bench-parzen compares it with numpy).
        """
    )

    @Option(help: "OpenBLAS threads.") var threads = 2
    @Option(help: "Generated samples.") var samples = 10_000
    @Option(help: "Validation points.") var validation = 1_000
    @Option(help: "Test points.") var test = 10_000
    @Option(help: "σ values (logspace 10^-1 … 10^0).") var sigmas = 10

    func run() throws {
        ComputeEnvironment.configure(threads: threads)
        let (s, v, t) = try data()
        let grid = ParzenWindow.logspace(-1, 0, count: sigmas)
        print("AELab Parzen benchmark: \(v.rows) validation + \(t.rows) test points against \(s.rows) samples in \(s.columns) dimensions, \(grid.count) σ, \(BLAS.threads) BLAS threads")

        // The reference: the single [test, d] × [d, samples] sgemm, best of three.
        let gemm = (0..<3).map { _ in seconds { _ = Tensor.matmul(t, s, transposeB: true) } }.min()!
        var result: ParzenEvaluation?
        let evaluation = seconds { result = ParzenWindow(samples: s).evaluate(validation: v, test: t, sigmaGrid: grid) }
        let r = result!
        print(String(format: "Parzen evaluation: %.3f s (log-likelihood %.2f ± %.2f at σ = %.4f)", evaluation, r.mean, r.standardError, r.sigma))
        print(String(format: "single sgemm %d×%d×%d: %.3f s (%.1f GFLOP/s)", t.rows, s.rows, s.columns, gemm,
                     2 * Double(t.rows) * Double(s.rows) * Double(s.columns) / gemm / 1e9))
        print(String(format: "ratio evaluation / sgemm: %.2f  (target ≤ 1.3)", evaluation / gemm))
        print(String(format: "peak resident memory: %.0f MiB (target < 1024)", peakResidentMiB()))
        print(String(format: "aelab_parzen_seconds=%.3f", evaluation))
        print(String(format: "aelab_parzen_ll=%.4f", r.mean))
    }

    func data() throws -> (Tensor, Tensor, Tensor) {
        if let mnist = try? Dataset.load("mnist", options: DatasetOptions(validationSize: validation, trainLimit: samples, testLimit: test)) {
            return (mnist.train.images, mnist.validation.images, mnist.test.images)
        }
        print("MNIST not found: using uniform noise")
        var rng = RandomStream(seed: 1, purpose: "parzen-bench")
        return (Tensor.uniform([samples, 784], using: &rng), Tensor.uniform([validation, 784], using: &rng),
                Tensor.uniform([test, 784], using: &rng))
    }
}

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// The process's peak resident set size (getrusage: kilobytes on Linux).
func peakResidentMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}
