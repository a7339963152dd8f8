import Datasets
import Dispatch
import Models
import NeuralNet
import TensorCore

/// The generic trainer: epochs × shuffled batches × the model's phases, each phase with its own
/// Adam. Everything it needs to continue exactly after an interruption is in its state
/// (`epoch`, `optimizers`, `shuffle`, `context`, `history`, and the model's parameters).
public final class Trainer {
    public let model: Autoencoder
    public let settings: TrainingSettings
    /// One optimizer per phase, in phase order.
    public var optimizers: [Adam]
    /// Completed epochs.
    public var epoch = 0
    /// The stream that orders each epoch's batches.
    public var shuffle: RandomStream
    /// The training-mode forward context (its dropout and noise streams advance as training goes).
    public var context: ForwardContext
    public var history = MetricsHistory()

    public init(model: Autoencoder, settings: TrainingSettings) {
        self.model = model
        self.settings = settings
        optimizers = model.phases.map { phase in
            Adam(phase.parameters, learningRate: Trainer.baseRate(phase.group, settings),
                 beta1: settings.beta1, beta2: settings.beta2)
        }
        shuffle = RandomStream(seed: settings.seed, purpose: "shuffle")
        context = ForwardContext(mode: .training, seed: settings.seed)
    }

    static func baseRate(_ group: Phase.Group, _ settings: TrainingSettings) -> Float {
        group == .reconstruction ? settings.reconstructionLearningRate : settings.regularizationLearningRate
    }

    public var isFinished: Bool { epoch >= settings.epochs }

    /// Trains one epoch on `data.train`, then measures `data.validation`.
    /// Throws `DivergenceError` at the first non-finite loss term.
    public func trainEpoch(_ data: Dataset, progress: (any TrainingProgress)? = nil) throws -> EpochMetrics {
        let start = DispatchTime.now().uptimeNanoseconds
        let factor = settings.schedule.factor(atEpoch: epoch)
        model.epochsCompleted = epoch
        for (i, phase) in model.phases.enumerated() {
            optimizers[i].learningRate = Trainer.baseRate(phase.group, settings) * factor
        }
        var means = RunningMeans()
        let batches = data.trainingBatches(size: settings.batchSize, dropLast: settings.dropLast, using: &shuffle)
        let total = batches.batchCount
        for (index, (images, labels)) in batches.enumerated() {
            let batch = Batch(images: images, labels: labels)
            for (p, phase) in model.phases.enumerated() {
                var terms: [(name: String, value: Float)] = []
                let pass = ForwardPass(of: phase.parameters) { tape in
                    let loss = phase.loss(batch, tape, &context)
                    terms = loss.terms
                    return loss.total
                }
                let value = pass.value
                if let bad = terms.first(where: { !$0.value.isFinite }) ?? (value.isFinite ? nil : ("total", value)) {
                    throw DivergenceError(epoch: epoch + 1, batch: index + 1, phase: phase.name, term: bad.name, value: bad.value)
                }
                // Each layer's update as soon as the backward pass has its gradient (same result
                // as updating after the whole backward pass, without re-reading every weight).
                optimizers[p].beginStep()
                pass.backward { optimizers[p].apply($0, gradient: $1) }
                means.add(terms, weight: labels.count)
            }
            means.addWeight(labels.count)
            progress?.batchFinished(epoch: epoch + 1, of: settings.epochs, batch: index + 1, of: total)
        }
        var train = means.means
        train["seconds"] = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9   // EpochMetrics.bookkeeping
        train["blas_threads"] = Double(BLAS.threads)
        epoch += 1
        let metrics = EpochMetrics(epoch: epoch, train: train, validation: validate(data.validation))
        history.append(metrics)
        progress?.epochFinished(metrics, of: settings.epochs)
        return metrics
    }

    /// The (first) reconstruction phase's loss terms on `data` in evaluation mode (no dropout, running batch-norm
    /// statistics), with stochastic encoders still sampling so that a VAE reports its −ELBO.
    /// The noise comes from a stream fixed by the seed and the epoch.
    public func validate(_ data: LabeledImages, batchSize: Int = 1000) -> [String: Double] {
        guard data.count > 0, let phase = model.phases.first(where: { $0.group == .reconstruction }) ?? model.phases.first else { return [:] }
        var context = ForwardContext(mode: .evaluation, seed: settings.seed &+ UInt64(epoch) &* 0x9e37_79b9)
        context.samplesPosterior = true
        var means = RunningMeans()
        for start in stride(from: 0, to: data.count, by: batchSize) {
            let range = start..<min(start + batchSize, data.count)
            let batch = Batch(images: data.images.rows(range), labels: Array(data.labels[range]))
            let terms = withoutGradient { tape in phase.loss(batch, tape, &context).terms }
            means.add(terms, weight: range.count)
            means.addWeight(range.count)
        }
        return means.means
    }

    /// Trains the remaining epochs.
    public func train(_ data: Dataset, progress: (any TrainingProgress)? = nil,
                      afterEpoch: (EpochMetrics) throws -> Void = { _ in }) throws {
        while !isFinished {
            let metrics = try trainEpoch(data, progress: progress)
            try afterEpoch(metrics)
        }
    }
}
