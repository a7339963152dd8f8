import ArgumentParser
import Datasets
import Foundation
import Models
import TensorCore
import Training

/// One training epoch of the paper's AAE on MNIST, and the GEMMs it contains.
struct AAEEpochBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aae-epoch",
        abstract: "One epoch of the AAE of the paper's reproduction on the 60,000 MNIST training images.",
        discussion: """
        Encoder 784-1200-1200-8 with dropout, decoder 8-1200-1200-784, discriminator 8-1200-1200-1, prior N(0, 5²I), batch 100, three phases per batch (reconstruction, discriminator, generator), Adam 2e-4 / 1e-4, trained by the same Trainer as `aelab run`. Prints the epoch's seconds, the time of the same GEMMs alone, and a final line aelab_epoch_seconds=… (scripts/bench-aae-epoch compares it with PyTorch).
        """
    )

    @Option(help: "OpenBLAS threads.") var threads = 2
    @Option(help: "Time only this many batches and extrapolate to the epoch (0: the whole epoch).") var batches = 0
    @Option(help: "Dropout after each hidden layer of the encoder.") var dropout: Float = 0.2
    @Option(help: "Iterations when timing the GEMMs alone.") var gemmIterations = 5
    @Flag(help: "Print the time of every GEMM shape.") var verbose = false

    func run() throws {
        ComputeEnvironment.configure(threads: threads)
        let options = DatasetOptions(validationSize: 0, trainLimit: batches > 0 ? batches * 100 : nil, testLimit: 1)
        let data = try Dataset.load("mnist", options: options)
        var config = ModelConfig()
        config.dropout = dropout
        config.prior = .gaussian(std: 5)
        var settings = TrainingSettings()
        settings.epochs = 1
        settings.reconstructionLearningRate = 2e-4
        settings.regularizationLearningRate = 1e-4
        var rng = RandomStream(seed: 1, purpose: "init")
        let model = Autoencoder(family: AAE.self, config: config, using: &rng)
        let trainer = Trainer(model: model, settings: settings)
        let stepCount = (data.train.count + 99) / 100
        print("AELab AAE epoch benchmark: \(data.train.count) MNIST images, batch 100, \(stepCount) steps × 3 phases, \(BLAS.threads) BLAS threads, dropout \(dropout)")

        let metrics = try trainer.trainEpoch(data)
        let seconds = metrics.train["seconds"]!
        let epochSeconds = seconds * 600 / Double(stepCount)

        let shapes = Self.gemmsOfOneStep(batch: 100)
        let flops = shapes.reduce(0) { $0 + $1.flops }
        let gemmStep = timeMedian(iterations: gemmIterations, warmup: 1) { for s in shapes { s.call() } }
        if verbose {
            for s in shapes {
                let t = s.time(iterations: 20, warmup: 2)
                print(pad(s.name, 18) + pad("\(s.m)×\(s.n)×\(s.k)", 16) + String(format: "%8.1f GFLOP/s %8.0f µs", s.flops / t / 1e9, t * 1e6))
            }
        }
        print(String(format: "measured: %.2f s for %d steps%@", seconds, stepCount, stepCount == 600 ? "" : String(format: " (extrapolated to 600 steps: %.2f s)", epochSeconds)))
        print(String(format: "the same GEMMs alone: %d per step, %.2f GFLOP, %.2f ms per step, %.2f s per epoch (%.1f GFLOP/s)",
                     shapes.count, flops / 1e9, gemmStep * 1e3, gemmStep * 600, flops / gemmStep / 1e9))
        print(String(format: "ratio epoch / GEMMs alone: %.2f", epochSeconds / (gemmStep * 600)))
        print(String(format: "losses: reconstruction %.2f, discriminator %.3f, generator %.3f",
                     metrics.train["reconstruction"] ?? .nan, metrics.train["discriminator"] ?? .nan, metrics.train["generator"] ?? .nan))
        print(String(format: "aelab_epoch_seconds=%.3f", epochSeconds))
    }

    /// The GEMMs the autodiff issues for one batch of the three phases. A layer y = x·wᵀ + b costs
    /// one forward GEMM, dw = dyᵀ·x when w is trained, and dx = dy·w when gradient must reach x.
    static func gemmsOfOneStep(batch b: Int) -> [GemmShape] {
        let encoder = [784, 1200, 1200, 8], decoder = [8, 1200, 1200, 784], discriminator = [8, 1200, 1200, 1]
        var shapes: [GemmShape] = []
        /// `trainWeights`: dw for every layer; `needInputGradient`: dx reaches the chain's input.
        func chain(_ name: String, _ sizes: [Int], rows b: Int = b, trainWeights: Bool, needInputGradient: Bool, backward: Bool) {
            for (i, (n, o)) in zip(sizes, sizes.dropFirst()).enumerated() {
                shapes.append(GemmShape(name: "\(name) L\(i + 1) fwd", m: b, n: o, k: n, transposeA: false, transposeB: true))
                guard backward else { continue }
                if trainWeights { shapes.append(GemmShape(name: "\(name) L\(i + 1) dw", m: o, n: n, k: b, transposeA: true, transposeB: false)) }
                if i > 0 || needInputGradient { shapes.append(GemmShape(name: "\(name) L\(i + 1) dx", m: b, n: n, k: o, transposeA: false, transposeB: false)) }
            }
        }
        // 1 reconstruction: encoder and decoder trained.
        chain("rec enc", encoder, trainWeights: true, needInputGradient: false, backward: true)
        chain("rec dec", decoder, trainWeights: true, needInputGradient: true, backward: true)
        // 2 discriminator: encoder forward only; the discriminator on prior and encoded codes, one
        // batch of 2b rows (AAE.discriminatorLoss).
        chain("dis enc", encoder, trainWeights: false, needInputGradient: false, backward: false)
        chain("dis both", discriminator, rows: 2 * b, trainWeights: true, needInputGradient: false, backward: true)
        // 3 generator: gradient through the fixed discriminator into the encoder.
        chain("gen enc", encoder, trainWeights: true, needInputGradient: false, backward: true)
        chain("gen dis", discriminator, trainWeights: false, needInputGradient: true, backward: true)
        return shapes
    }
}
