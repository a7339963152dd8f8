import ArgumentParser
import Datasets
import Foundation
import Models
import NeuralNet
import TensorCore
import Training

/// `aelab train`: one model, configured by flags, trained with per-epoch losses printed.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train one model from flags and print its per-epoch losses.",
        discussion: """
        For trying a model quickly: nothing is written to disk (use 'aelab run' with a spec for stored, comparable runs). Loss terms are per image (summed over the 784 pixels) and averaged over the epoch's batches; 'valid' is the reconstruction phase's terms on the held-out validation slice, in evaluation mode. Example: aelab train --model aae --latent 2 --epochs 3 --train-limit 10000. Models: \(ModelRegistry.families.map { "\n  \($0.name.padding(toLength: 8, withPad: " ", startingAt: 0)) \($0.summary)" }.joined())
        """
    )

    // Numeric options parse `.unconditional`ly here and in aelab's other commands: "--latent -3" then
    // reaches validate() and its message, where ArgumentParser would take "-3" for a flag.
    @Option(help: "Dataset: \(DatasetInfo.registered.map(\.name).joined(separator: ", ")).") var dataset = "mnist"
    @Option(help: "Model: \(ModelRegistry.names.joined(separator: ", ")).") var model = "ae"
    @Option(parsing: .unconditional, help: "Latent dimensions.") var latent = 8
    @Option(help: "Hidden layer sizes of the encoder, comma-separated (reversed for the decoder).") var hidden = "1200,1200"
    @Option(parsing: .unconditional, help: "Dropout rate after each hidden layer of the encoder.") var dropout: Float = 0
    @Option(parsing: .unconditional, help: "Standard deviation of the Gaussian prior.") var priorStd: Float = 5
    @Option(help: "Encoder head: \(EncoderHead.allCases.map(\.rawValue).joined(separator: ", ")) (default: the model's).") var head: EncoderHead?
    @Option(help: "Reconstruction loss: \(ReconstructionLoss.allCases.map(\.rawValue).joined(separator: ", ")) (default: the model's).") var reconstruction: ReconstructionLoss?
    @Option(parsing: .unconditional, help: "Epochs.") var epochs = 5
    @Option(parsing: .unconditional, help: "Batch size.") var batchSize = 100
    @Option(parsing: .unconditional, help: "Learning rate of the reconstruction phase.") var learningRate: Float = 1e-3
    @Option(parsing: .unconditional, help: "Learning rate of the regularisation phases (discriminator, generator).") var regularizationLearningRate: Float = 1e-4
    @Option(parsing: .unconditional, help: "Adam β₁ of every phase.") var beta1: Float = 0.9
    @Option(parsing: .unconditional, help: "Seed of every random stream.") var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: "Use only the first N training images.") var trainLimit: Int?
    @Option(parsing: .unconditional, help: "Validation images held out from the end of the training file.") var validationSize = 1000
    @Option(parsing: .unconditional, help: "Threads, for OpenBLAS and AELab's own loops.") var threads = 2

    func validate() throws {
        guard let family = ModelRegistry.family(named: model) else {
            throw ValidationError("unknown model '\(model)'; expected one of \(ModelRegistry.names.joined(separator: ", "))")
        }
        if family.requiresGaussianHead, let head, head != .gaussian {
            throw ValidationError("--head \(head.rawValue): \(model) needs the gaussian head (its KL term needs μ and log σ²)")
        }
        if let reconstruction, !family.reconstructionLosses.contains(reconstruction) {
            throw ValidationError("--reconstruction \(reconstruction.rawValue): \(model) needs \(family.reconstructionLosses.map(\.rawValue).joined(separator: " or "))")
        }
        guard threads > 0 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        guard latent > 0 else { throw ValidationError("--latent must be at least 1, got \(latent)") }
        guard epochs > 0 else { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        guard batchSize > 1 else { throw ValidationError("--batch-size must be at least 2, got \(batchSize)") }
        guard (0..<1).contains(dropout) else { throw ValidationError("--dropout must be in [0, 1), got \(dropout)") }
        guard priorStd > 0 && priorStd.isFinite else { throw ValidationError("--prior-std must be positive and finite, got \(priorStd)") }
        guard learningRate > 0 && learningRate.isFinite else {
            throw ValidationError("--learning-rate must be positive and finite, got \(learningRate)")
        }
        guard regularizationLearningRate > 0 && regularizationLearningRate.isFinite else {
            throw ValidationError("--regularization-learning-rate must be positive and finite, got \(regularizationLearningRate)")
        }
        guard (0..<1).contains(beta1) else { throw ValidationError("--beta1 must be in [0, 1), got \(beta1)") }
        if let trainLimit, trainLimit < 1 { throw ValidationError("--train-limit must be at least 1, got \(trainLimit)") }
        guard validationSize >= 0 else { throw ValidationError("--validation-size must be at least 0, got \(validationSize)") }
        guard parsedHidden != nil else { throw ValidationError("--hidden must be positive integers separated by commas, got '\(hidden)'") }
    }

    var parsedHidden: [Int]? {
        let sizes = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return sizes.map { $0! }
    }

    func run() throws {
        ComputeEnvironment.configure(threads: threads)
        let data = try Dataset.load(dataset, options: DatasetOptions(validationSize: validationSize, trainLimit: trainLimit))
        var config = ModelConfig()
        config.imageShape = [1, data.info.imageRows, data.info.imageColumns]
        config.classes = data.info.classes
        config.latent = latent
        config.hidden = parsedHidden!
        config.discriminatorHidden = parsedHidden!
        config.dropout = dropout
        config.prior = .gaussian(std: priorStd)
        config.encoderHead = head
        config.reconstruction = reconstruction
        var settings = TrainingSettings()
        settings.epochs = epochs
        settings.batchSize = batchSize
        settings.reconstructionLearningRate = learningRate
        settings.regularizationLearningRate = regularizationLearningRate
        settings.seed = seed
        settings.beta1 = beta1

        var initStream = RandomStream(seed: seed, purpose: "init")
        let family = ModelRegistry.family(named: model)!
        let autoencoder = Autoencoder(family: family, config: config, using: &initStream)
        let trainer = Trainer(model: autoencoder, settings: settings)
        let label = "\(model)-z\(latent)"
        emit("\(label): \(data.info.name) (train \(data.train.count), validation \(data.validation.count)), "
              + "phases \(autoencoder.phases.map(\.name).joined(separator: " → ")), "
              + "\(autoencoder.networks.reduce(0) { $0 + $1.layer.parameterCount }) parameters")
        let progress = ConsoleProgress(label: label)
        var clock = EpochClock()
        do {
            try trainer.train(data, progress: isatty(STDERR_FILENO) != 0 ? progress : nil) { metrics in
                emit(ConsoleProgress.line(label, metrics, of: epochs, remaining: clock.record(metrics, of: epochs)))
            }
        } catch let error as DivergenceError {
            throw failure("\(label): \(error)")
        }
        let codes = autoencoder.codes(data.validation.images, labels: data.validation.labels)
        let mean = codes.mean(alongAxis: 0), std = (codes - mean).squared().mean(alongAxis: 0).squareRoot()
        func list(_ t: Tensor) -> String { t.scalars.prefix(16).map { String(format: "%.2f", $0) }.joined(separator: " ") }
        emit("\(label): validation codes per dimension: mean [\(list(mean))]  std [\(list(std))]")
    }
}

extension EncoderHead: ExpressibleByArgument {}
extension ReconstructionLoss: ExpressibleByArgument {}
