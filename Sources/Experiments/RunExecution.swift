import BuildInfo
import Datasets
import Evaluation
import Foundation
import Models
import ResultStore
import TensorCore
import Training

/// The build written into run files: version and commit ("0.1.0 (dcb3a7f)").
public let aelabVersion = BuildInfo.description

/// Trains, evaluates and stores one run, continuing from its checkpoint if there is one.
struct RunExecution {
    let run: RunConfig
    let paths: RunPaths
    let data: Dataset
    let log: (String) -> Void
    let progress: (any TrainingProgress)?
    /// A complete run file to continue from when there is no checkpoint (a run given more epochs).
    var continueFrom: String?

    /// Returns the whole record written (status complete or failed).
    func execute() throws -> RunRecord {
        var initStream = RandomStream(seed: run.training.seed, purpose: "init")
        let model = Autoencoder(family: run.family, config: run.modelConfig, using: &initStream)
        let trainer = Trainer(model: model, settings: run.training)
        var started = isoNow()
        var earlierCores = "", earlierBuilds = ""
        let checkpointPath = paths.checkpoint(run.id)
        let source = FileManager.default.fileExists(atPath: checkpointPath) ? checkpointPath : continueFrom
        if let source {
            let saved = try RunFile.read(source)
            guard let checkpoint = saved.checkpoint else { throw RunStateError(file: source, message: "/checkpoint is missing") }
            try model.load(saved.networks, from: source)
            try trainer.restore(checkpoint, train: saved.trainMetrics, validation: saved.validationMetrics, from: source)
            started = saved.attributes.started
            earlierCores = saved.attributes.blasCores
            earlierBuilds = saved.attributes.aelabVersion
            let how = source == checkpointPath ? "resuming after" : "continuing, to more epochs, after"
            log("\(run.id): \(how) epoch \(trainer.epoch) of \(run.training.epochs) from \(source)")
        }
        let cores = RunAttributes.blasCores(earlierCores, trainedEpochs: trainer.epoch, adding: BLASKernel.current)
        let builds = RunAttributes.builds(earlierBuilds, trainedEpochs: trainer.epoch, adding: aelabVersion)
        var clock = EpochClock()
        do {
            try trainer.train(data, progress: progress) { metrics in
                let left = clock.record(metrics, of: run.training.epochs)
                log(ConsoleProgress.line(run.id, metrics, of: run.training.epochs, remaining: left))
                try RunFile.write(record(model, trainer, status: .running, started: started, blasCores: cores, builds: builds), to: checkpointPath)
            }
        } catch let divergence as DivergenceError {
            return try finish(record(model, trainer, status: .failed, failure: divergence.description, started: started,
                                     blasCores: cores, builds: builds))
        }
        var final = record(model, trainer, status: .complete, started: started, blasCores: cores, builds: builds)
        do {
            try evaluate(model, into: &final)
            final.checkpoint = trainer.checkpointRecord   // now with the fitted generator state
        } catch let failure as EvaluationFailure {
            final.attributes.status = .failed
            final.attributes.failure = failure.description
        }
        return try finish(final)
    }

    /// Writes the whole run file, then removes the checkpoint.
    private func finish(_ record: RunRecord) throws -> RunRecord {
        var record = record
        record.attributes.finished = isoNow()
        try RunFile.write(record, to: paths.runFile(run.id))
        try? FileManager.default.removeItem(atPath: paths.checkpoint(run.id))
        return record
    }

    private func record(_ model: Autoencoder, _ trainer: Trainer, status: RunAttributes.Status, failure: String = "",
                        started: String, blasCores: String, builds: String) -> RunRecord {
        let attributes = RunAttributes(
            experiment: run.experiment, runID: run.id, model: run.model, latentDim: run.latentDim, dropout: run.dropout,
            seed: run.seed, dataset: run.dataset, status: status, failure: failure, spec: run.resolvedJSON,
            started: started, aelabVersion: builds, blasCores: blasCores)
        return RunRecord(attributes: attributes, trainMetrics: trainer.history.train,
                         validationMetrics: trainer.history.validation, networks: model.networkRecords,
                         checkpoint: trainer.checkpointRecord)
    }

    /// Parzen (and, for Gaussian encoders, importance sampling), samples and figure data.
    private func evaluate(_ model: Autoencoder, into record: inout RunRecord) throws {
        let settings = run.evaluation
        model.fitGenerator(images: data.train.images, labels: data.train.labels)
        let (parzen, samples) = try parzenEvaluation(model, data: data, run: run, log: log)
        record.parzen = parzen
        record.generatedSamples = settings.figureSamples > 0 ? samples.rows(0..<min(settings.figureSamples, samples.rows)) : nil
        // The bound uses p(z) = N(0, I) and the Bernoulli decoder: the VAEs' own model, not an AAE's.
        if model.family.hasImportanceSampledLikelihood && model.reconstruction == .bce
            && model.encoder.head == .gaussian && settings.importanceSampling.testPoints > 0 {
            let n = min(settings.importanceSampling.testPoints, data.test.count)
            var stream = RandomStream(seed: run.training.seed, purpose: "importance-sampling")
            let ll = model.importanceSampledLogLikelihood(data.test.images.rows(0..<n), labels: Array(data.test.labels[0..<n]),
                                                          samples: settings.importanceSampling.samples, using: &stream)
            let mean = ll.reduce(0, +) / Double(n)
            let se = n > 1 ? (ll.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1) / Double(n)).squareRoot() : 0
            record.evaluations["importance_sampling"] = ["log_likelihood": mean, "standard_error": se,
                                                         "samples": Double(settings.importanceSampling.samples), "test_points": Double(n)]
            log(String(format: "%@: importance-sampled log-likelihood %.2f ± %.2f (K = %d, %d test images)",
                       run.id, mean, se, settings.importanceSampling.samples, n))
        }
        record.figures = figureData(model)
    }

    /// Reconstructions, the decoded manifold (2-D latents), codes and prior draws for the report.
    private func figureData(_ model: Autoencoder) -> [String: Tensor] {
        var figures: [String: Tensor] = [:]
        let k = min(10, data.test.count)
        let originals = data.test.images.rows(0..<k)
        figures[FigureData.originals] = originals
        figures[FigureData.reconstructions] = model.reconstruct(originals, labels: Array(data.test.labels[0..<k]))
        let n = min(2000, data.test.count)
        figures[FigureData.codes] = model.codes(data.test.images.rows(0..<n), labels: Array(data.test.labels[0..<n]))
        figures[FigureData.codeLabels] = Tensor(shape: [n], scalars: data.test.labels[0..<n].map(Float.init))
        var stream = RandomStream(seed: run.training.seed, purpose: "figures")
        let latent = model.latentDraws(1000, using: &stream)
        figures[FigureData.priorSamples] = latent
        if run.latentDim == 2 {
            let g = run.evaluation.manifoldSize
            let half = run.evaluation.manifoldRange.map(Float.init) ?? 2 * model.latentScale
            let axis = (0..<g).map { -half + 2 * half * Float($0) / Float(g - 1) }
            var grid = Tensor.zeros([g * g, 2])
            for r in 0..<g { for c in 0..<g { grid[r * g + c, 0] = axis[c]; grid[r * g + c, 1] = axis[g - 1 - r] } }
            figures[FigureData.manifold] = model.decode(grid, labels: [Int](repeating: 0, count: g * g))
            figures[FigureData.manifoldAxis] = Tensor(shape: [g], scalars: axis)
        }
        return figures
    }
}

/// Evaluation could not be done (the run is stored as failed with this reason).
struct EvaluationFailure: Error, CustomStringConvertible {
    let description: String
}

extension ParzenRecord {
    init(_ e: ParzenEvaluation, generated: Int) {
        self.init(logLikelihood: e.mean, standardError: e.standardError, sigma: e.sigma, generatedSamples: generated,
                  testPoints: e.testLogLikelihoods.count, sigmaGrid: e.sigmaGrid, sigmaValidationLL: e.validationMeans,
                  testLL: e.testLogLikelihoods)
    }
}

extension Autoencoder {
    /// Draws from the distribution the model generates from (prior, N(0, I) or the fitted Gaussian).
    func latentDraws(_ n: Int, using rng: inout RandomStream) -> Tensor {
        switch family.latentSource {
        case .prior: return config.prior.sample(n, dimension: config.latent, using: &rng)
        case .standardNormal: return Tensor.normal([n, config.latent], using: &rng)
        case .fittedGaussian: return fittedLatent?.sample(n, using: &rng) ?? Tensor.normal([n, config.latent], using: &rng)
        }
    }

    /// One standard deviation of that distribution (the manifold grid spans ±2 of them).
    var latentScale: Float {
        switch family.latentSource {
        case .prior: return config.prior.scale
        case .standardNormal: return 1
        case .fittedGaussian:
            guard let l = fittedLatent?.cholesky else { return 1 }
            return (l.squared().sum() / Float(config.latent)).squareRoot()
        }
    }
}

func isoNow() -> String {
    let f = ISO8601DateFormatter()
    return f.string(from: Date())
}
