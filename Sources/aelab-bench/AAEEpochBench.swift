import ArgumentParser
import Datasets
import Experiments
import Foundation
import Models
import TensorCore
import Training

/// One training epoch of the paper's AAE on MNIST, and the GEMMs it contains; or, with `--spec`,
/// one epoch of the AAE run of an experiment spec (the convolutional family of
/// experiments/conv-mnist.json), built as `aelab run` builds it.
struct AAEEpochBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aae-epoch",
        abstract: "One epoch of the AAE of the paper's reproduction (or of a spec's AAE run) on the 60,000 MNIST training images.",
        discussion: """
        Without --spec: encoder 784-1200-1200-8 with dropout, decoder 8-1200-1200-784, discriminator 8-1200-1200-1, prior N(0, 5²I), batch 100, three phases per batch (reconstruction, discriminator, generator), Adam 2e-4 / 1e-4, trained by the same Trainer as `aelab run`. Prints the epoch's seconds, the time of the same GEMMs alone, and a final line aelab_epoch_seconds=… (scripts/bench-aae-epoch compares it with PyTorch).

        With --spec FILE: the spec's run of the model "aae" (its networks, prior, batch size, learning rates and seed; the "init" stream as `aelab run` draws it), on every image of the dataset's training file (no validation hold-out, so 600 batches of 100 on MNIST, as the PyTorch reference), one epoch by the same Trainer. --describe prints that model's layers and settings as JSON (what benchmarks/pytorch_conv_aae_epoch.py builds its network from) and exits.

        Both print the peak resident memory of the process (aelab_peak_rss_mib=…) before the final line.
        """
    )

    @Option(help: "OpenBLAS threads.") var threads = 2
    @Option(help: "Time only this many batches and extrapolate to the epoch (0: the whole epoch).") var batches = 0
    @Option(help: "Dropout after each hidden layer of the encoder (default 0.2; not with --spec, whose dropout is the spec's).") var dropout: Float?
    @Option(help: "Iterations when timing the GEMMs alone (not with --spec).") var gemmIterations = 5
    @Flag(help: "Print the time of every GEMM shape (not with --spec).") var verbose = false
    @Option(help: "An experiment spec (JSON): time its run of the model \"aae\" instead of the paper's MLP AAE.") var spec: String?
    @Option(name: .customLong("set"), help: "With --spec: a spec override path=value, as `aelab run --set` (repeatable).") var overrides: [String] = []
    @Flag(help: "With --spec: print the AAE's networks and training settings as JSON and exit.") var describe = false

    func validate() throws {
        if spec == nil {
            if describe || !overrides.isEmpty { throw ValidationError("--describe and --set need --spec") }
        } else if dropout != nil {
            throw ValidationError("--dropout is the MLP AAE's; with --spec the spec's dropout is used (override it with --set dropout=X)")
        }
        if batches < 0 { throw ValidationError("--batches must be 0 (the whole epoch) or more") }
    }

    func run() throws {
        ComputeEnvironment.configure(threads: threads)
        if let spec { try runSpec(spec); return }
        let dropout = self.dropout ?? 0.2
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
        print(String(format: "peak resident memory: %.0f MiB", peakResidentMiB()))
        print(String(format: "aelab_peak_rss_mib=%.0f", peakResidentMiB()))
        print(String(format: "aelab_epoch_seconds=%.3f", epochSeconds))
    }

    /// One epoch of the spec's AAE run, built and trained as `aelab run` does.
    func runSpec(_ file: String) throws {
        let loaded: Spec
        do { loaded = try Spec.load(file: file, overrides: overrides) } catch { throw ValidationError("\(error)") }
        guard let run = loaded.runs().first(where: { $0.model == "aae" }) else {
            throw ValidationError("\(file): no run of the model \"aae\" (its models: \(loaded.runs().map(\.model).joined(separator: ", ")))")
        }
        var settings = run.training
        settings.epochs = 1
        var initStream = RandomStream(seed: run.training.seed, purpose: "init")
        let model = Autoencoder(family: run.family, config: run.modelConfig, using: &initStream)
        if describe { print(try Self.describe(model, run: run, settings: settings)); return }

        let batch = settings.batchSize
        var options = run.datasetOptions
        options.validationSize = 0
        options.trainLimit = batches > 0 ? batches * batch : nil
        options.testLimit = 1
        let data = try Dataset.load(run.dataset, options: options)
        let trainer = Trainer(model: model, settings: settings)
        let stepCount = (data.train.count + batch - 1) / batch
        let epochSteps = (data.split.trainFileImages + batch - 1) / batch
        let parameters = model.networks.map { "\($0.name) \($0.layer.parameters.reduce(0) { $0 + $1.value.count })" }
        print("AELab AAE epoch benchmark, spec \(file), run \(run.id): \(data.train.count) \(run.dataset) images, batch \(batch), \(stepCount) steps × \(model.phases.count) phases (\(model.phases.map(\.name).joined(separator: ", "))), \(BLAS.threads) BLAS threads")
        print("parameters: \(parameters.joined(separator: ", ")); Adam \(settings.reconstructionLearningRate) reconstruction, \(settings.regularizationLearningRate) regularisation; init seed \(run.training.seed)")
        for record in model.networkRecords {
            print("  \(record.name): \(record.summary)")
        }

        let metrics = try trainer.trainEpoch(data)
        let seconds = metrics.train["seconds"]!
        let epochSeconds = seconds * Double(epochSteps) / Double(stepCount)
        print(String(format: "measured: %.2f s for %d steps (%.1f ms per step)%@", seconds, stepCount, seconds / Double(stepCount) * 1e3,
                     stepCount == epochSteps ? "" : String(format: "; epoch EXTRAPOLATED to %d steps: %.2f s", epochSteps, epochSeconds)))
        let losses = metrics.train.filter { $0.key != "seconds" && $0.key != "blas_threads" }.sorted { $0.key < $1.key }
        print("losses: " + losses.map { String(format: "%@ %.3f", $0.key, $0.value) }.joined(separator: ", "))
        print(String(format: "peak resident memory: %.0f MiB", peakResidentMiB()))
        print(String(format: "aelab_peak_rss_mib=%.0f", peakResidentMiB()))
        print(String(format: "aelab_epoch_seconds=%.3f", epochSeconds))
    }

    /// The model as benchmarks/pytorch_conv_aae_epoch.py rebuilds it: each network's layers as the
    /// run file records them (torch.nn constructor arguments), and the training settings.
    static func describe(_ model: Autoencoder, run: RunConfig, settings: TrainingSettings) throws -> String {
        guard case .gaussian(let std) = model.config.prior else {
            throw ValidationError("--describe: the PyTorch reference knows only the Gaussian prior, not \(model.config.prior)")
        }
        var networks: [String: Any] = [:]
        for record in model.networkRecords {
            guard let text = record.layers, let layers = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else {
                throw ValidationError("--describe: the \(record.name) has no layer list")
            }
            networks[record.name] = ["layers": layers, "input_shape": record.inputShape, "output_shape": record.outputShape,
                                     "extra_inputs": record.extraInputs, "output": record.output] as [String: Any]
        }
        func number(_ x: Float) -> Double { Double("\(x)")! }
        let object: [String: Any] = [
            "run": run.id, "model": run.model, "dataset": run.dataset, "latent": model.config.latent,
            "phases": model.phases.map(\.name), "reconstruction": model.reconstruction.rawValue,
            "prior_std": number(std), "batch_size": settings.batchSize, "seed": Int(settings.seed),
            "reconstruction_lr": number(settings.reconstructionLearningRate),
            "regularization_lr": number(settings.regularizationLearningRate),
            "beta1": number(settings.beta1), "beta2": number(settings.beta2),
            "networks": networks,
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self)
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
