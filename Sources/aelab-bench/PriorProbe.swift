import ArgumentParser
import Datasets
import Foundation
import Models
import TensorCore
import Training

/// How closely briefly trained AAEs match a Gaussian prior, over seeds: the evidence behind the
/// settings of `FamilyTrainingTests.testAAECodesMatchTheGaussianPrior`.
struct PriorProbe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prior-probe",
        abstract: "Train small AAEs (prior N(0, 5²I), 8 dimensions) over several seeds and report how well their codes match the prior.",
        discussion: """
        For each seed: an AAE with 128-128 networks (deterministic encoder) trains on the first --train MNIST images and encodes the last --validation images of the training file; a seed passes when every dimension's code mean lies within 0.25σ of 0 and its deviation within 25% of σ (the acceptance test). The defaults are the unit test's settings. Also prints, per seed, the worst dimension's code mean over the training images and over each block of 1,000 of them, which shows how far the mean of 1,000 consecutive MNIST images strays.
        Example: aelab-bench prior-probe --seeds 1,2,3 --beta1 0.9 --decay-every 0
        """
    )

    @Option(help: "OpenBLAS threads.") var threads = 1
    @Option(help: "Comma-separated seeds.") var seeds = "1,2,3,4,5,6,7,8,9,10,11,12"
    @Option(help: "Epochs.") var epochs = 30
    @Option(help: "Training images (the first of the file).") var train = 10_000
    @Option(help: "Validation images (the last of the training file).") var validation = 10_000
    @Option(help: "Width of each of the two hidden layers of every network.") var hidden = 128
    @Option(help: "Adam's β1 for every phase.") var beta1: Float = 0.5
    @Option(help: "Learning rate of the reconstruction phase.") var reconstructionRate: Float = 1e-3
    @Option(help: "Learning rate of the discriminator and generator phases.") var regularizationRate: Float = 5e-4
    @Option(help: "Halve the learning rates every this many epochs (0: constant).") var decayEvery = 10
    @Option(help: "Also print the match every this many epochs (0: only at the end).") var every = 0

    func run() throws {
        ComputeEnvironment.configure(threads: threads)
        let data = try Dataset.load("mnist", options: DatasetOptions(validationSize: validation, trainLimit: train, testLimit: 1))
        let seedList = seeds.split(separator: ",").compactMap { UInt64($0.trimmingCharacters(in: .whitespaces)) }
        guard !seedList.isEmpty else { throw ValidationError("--seeds: expected comma-separated integers, got '\(seeds)'") }
        print("AAE prior match: \(train) training images, \(validation) validation images, \(epochs) epochs, β1 \(beta1), rates \(reconstructionRate) / \(regularizationRate)"
              + (decayEvery > 0 ? ", halved every \(decayEvery) epochs" : ", constant"))
        var passes = 0
        for seed in seedList {
            var config = ModelConfig()
            config.latent = 8
            config.hidden = [hidden, hidden]
            config.discriminatorHidden = [hidden, hidden]
            config.prior = .gaussian(std: 5)
            var rng = RandomStream(seed: seed, purpose: "init")
            let model = Autoencoder(family: AAE.self, config: config, using: &rng)
            var settings = TrainingSettings()
            settings.epochs = epochs
            settings.seed = seed
            settings.beta1 = beta1
            settings.reconstructionLearningRate = reconstructionRate
            settings.regularizationLearningRate = regularizationRate
            if decayEvery > 0 { settings.schedule = .step(every: decayEvery, factor: 0.5) }
            let trainer = Trainer(model: model, settings: settings)
            let start = Date()
            try trainer.train(data) { metrics in
                guard every > 0, metrics.epoch % every == 0 else { return }
                let m = match(model, data.validation)
                print(String(format: "  seed %d epoch %d: worst |mean| %.2f, worst |std − 5| %.2f; discriminator loss %.3f",
                             seed, metrics.epoch, m.mean, m.std, metrics.train["discriminator"] ?? .nan))
            }
            let m = match(model, data.validation)
            let blocks = stride(from: 0, to: data.train.count - 999, by: 1000).map { start -> String in
                let r = start..<(start + 1000)
                return String(format: "%.2f", match(model, LabeledImages(images: data.train.images.rows(r), labels: Array(data.train.labels[r]))).mean)
            }
            let ok = m.mean < 1.25 && m.std < 1.25
            if ok { passes += 1 }
            print(String(format: "seed %d: worst |mean| %.2f, worst |std − 5| %.2f: %@ (%.0f s); training codes' worst |mean| %.2f, per block of 1,000: %@",
                         seed, m.mean, m.std, ok ? "pass" : "FAIL", Date().timeIntervalSince(start),
                         match(model, data.train).mean, blocks.joined(separator: " ")))
        }
        print("\(passes) of \(seedList.count) seeds pass")
    }

    /// The largest |mean| and |std − 5| over the code dimensions of `set`.
    func match(_ model: Autoencoder, _ set: LabeledImages) -> (mean: Float, std: Float) {
        let codes = model.codes(set.images, labels: set.labels)
        let mean = codes.mean(alongAxis: 0)
        let std = (codes - mean).squared().mean(alongAxis: 0).squareRoot()
        return (mean.scalars.map(abs).max()!, std.scalars.map { abs($0 - 5) }.max()!)
    }
}
