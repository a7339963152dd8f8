import Foundation
import ResultStore

/// What one run contributes to the comparison.
public struct RunSummary: Sendable, Equatable, Codable {
    public var runID: String
    public var model: String
    public var dataset: String
    public var latentDim: Int
    public var dropout: Double
    public var seed: Int
    /// "complete", "failed", "unfinished" (a checkpoint: training, or interrupted) or "not
    /// started" (planned by the last `aelab run`, `plan.json`, with neither file yet); the last
    /// two are in no cell of the tables until whole.
    public var status: String
    public var failure: String
    public var epochs: Int
    /// The spec's training.epochs (nil where the stored spec does not say).
    public var plannedEpochs: Int?
    public var trainingSeconds: Double
    /// The last epoch's validation reconstruction (per image), in the unit of `reconstructionCost`.
    public var reconstruction: Double?
    /// What `reconstruction` measures: "bce" (nats: binary cross-entropy), "mse" (squared error,
    /// e.g. WAE's cost) or "l1" (absolute error); values of different costs do not compare.
    public var reconstructionCost: String
    public var parzen: Double?
    public var parzenStandardError: Double?
    public var sigma: Double?
    public var importanceSampled: Double?
    /// The OpenBLAS kernel families it ran with (comma-joined; "" where not recorded).
    public var blasCores: String
    /// The builds that trained it, in order ("0.1.0 (dcb3a7f)"; comma-joined when resumed or
    /// re-evaluated by another; a bare "0.1.0" is a build that did not record its commit).
    public var builds: String
    /// For the models with a latent adversary: the median distance of the test codes (a
    /// Gaussian head's means) from the origin over the prior samples' (`CodeMatch`); 1 where the
    /// codes sit as the prior does.
    public var codeRadiusRatio: Double?

    /// A Parzen baseline (training images as samples, a Gaussian fitted to pixels), not a model.
    public var isBaseline: Bool { model.hasPrefix("baseline") }
    /// Unfinished or not started: not whole yet.
    public var isUnfinished: Bool { status == Self.unfinished || status == Self.notStarted }
    static let unfinished = "unfinished"
    static let notStarted = "not started"

    public init(_ record: RunRecord) {
        let a = record.attributes
        runID = a.runID
        model = a.model
        dataset = a.dataset
        latentDim = a.latentDim
        dropout = a.dropout
        seed = a.seed
        status = a.status != .running ? a.status.rawValue : record.trainedEpochs == 0 ? Self.notStarted : Self.unfinished
        failure = a.failure
        epochs = record.trainedEpochs
        let spec = try? JSONSerialization.jsonObject(with: Data(a.spec.utf8)) as? [String: Any]
        plannedEpochs = (spec?["training"] as? [String: Any])?["epochs"] as? Int
        trainingSeconds = record.trainMetrics["seconds"]?.reduce(0, +) ?? 0
        reconstruction = record.validationMetrics["reconstruction"]?.last
        reconstructionCost = RunFigures.reconstructionCost(spec: a.spec)
        parzen = record.parzen?.logLikelihood
        parzenStandardError = record.parzen?.standardError
        sigma = record.parzen?.sigma
        importanceSampled = record.evaluations["importance_sampling"]?["log_likelihood"]
        blasCores = a.blasCores
        builds = a.aelabVersion
        codeRadiusRatio = CodeMatch(record).flatMap { $0.priorRadius > 0 ? $0.codeRadius / $0.priorRadius : nil }
    }
}

/// A published result shown as a reference line (Makhzani et al., 2015, Table 1: Parzen
/// log-likelihood of MNIST test images, 10,000 samples).
public struct ReferenceRow: Sendable, Equatable, Codable {
    public let name: String
    public let logLikelihood: Double
    public let standardError: Double

    public static let aaePaperMNIST: [ReferenceRow] = [
        ReferenceRow(name: "DBN", logLikelihood: 138, standardError: 2),
        ReferenceRow(name: "Stacked CAE", logLikelihood: 121, standardError: 1.6),
        ReferenceRow(name: "Deep GSN", logLikelihood: 214, standardError: 1.1),
        ReferenceRow(name: "GAN", logLikelihood: 225, standardError: 2),
        ReferenceRow(name: "GMMN+AE", logLikelihood: 282, standardError: 2),
        ReferenceRow(name: "AAE (paper)", logLikelihood: 340, standardError: 2),
    ]
}

/// One cell of the Parzen table: the runs of one model at one (latent, dropout), over seeds.
public struct Cell: Sendable, Equatable, Codable {
    /// Mean over seeds of the Parzen log-likelihood (nil when every run failed).
    public var mean: Double?
    /// Standard error over test points (mean over seeds).
    public var standardError: Double?
    /// Standard deviation over seeds (nil with one seed).
    public var seedSpread: Double?
    public var seeds: Int
    /// The uncertainty of `mean` that the tables show after ±: with one seed the standard error
    /// over test points; with several, that combined with the standard error of the mean over
    /// seeds, √(se² + sd²/seeds). Every seed scores the same test images, so the test points'
    /// error does not average away over seeds, and the spread between seeds (how far a retraining
    /// moves the score) can be ten times larger than it for an unstable training.
    public var shownError: Double? {
        guard let seedSpread else { return standardError }
        let se = standardError ?? 0
        return (se * se + seedSpread * seedSpread / Double(seeds)).squareRoot()
    }
    /// Failed runs in this cell, with their reasons.
    public var failures: [String]
    /// Runs of this cell still checkpoints (training, or interrupted) or not started: not in `mean` yet.
    public var unfinished = 0
    /// Of `unfinished`, the runs not started (planned, without a file).
    public var notStarted = 0
    public var isBest = false

    /// What a cell without a mean says when no run of it failed: "not started" or "unfinished".
    var waitingText: String { notStarted == unfinished ? RunSummary.notStarted : RunSummary.unfinished }
}

/// The comparison of one dataset: models × (latent, dropout).
public struct ComparisonTable: Sendable, Equatable, Codable {
    public struct Column: Sendable, Equatable, Hashable, Codable {
        public var latentDim: Int
        public var dropout: Double
        public var label: String { "z=\(latentDim) d=\(formatNumber(dropout))" }
    }

    public var dataset: String
    public var columns: [Column]
    public var models: [String]
    /// cells[model][column] (nil: no run there).
    public var cells: [String: [Cell?]]
    public var references: [ReferenceRow]
    /// Baselines (model names starting with "baseline") shown apart from the models.
    public var baselines: [RunSummary]

    /// Groups runs by model and (latent, dropout); marks the best finished cell of each column.
    public init(dataset: String, runs: [RunSummary], modelOrder: [String] = []) {
        self.dataset = dataset
        let mine = runs.filter { $0.dataset == dataset }
        baselines = mine.filter(\.isBaseline)
        let models = mine.filter { !$0.isBaseline }
        columns = Array(Set(models.map { Column(latentDim: $0.latentDim, dropout: $0.dropout) }))
            .sorted { ($0.latentDim, $0.dropout) < ($1.latentDim, $1.dropout) }
        let names = Set(models.map(\.model))
        self.models = modelOrder.filter(names.contains) + names.subtracting(modelOrder).sorted()
        references = dataset == "mnist" ? ReferenceRow.aaePaperMNIST : []
        var cells: [String: [Cell?]] = [:]
        for model in self.models {
            cells[model] = columns.map { column in
                let all = models.filter { $0.model == model && $0.latentDim == column.latentDim && $0.dropout == column.dropout }
                guard !all.isEmpty else { return nil }
                let group = all.filter { !$0.isUnfinished }, unfinished = all.count - group.count
                let notStarted = all.filter { $0.status == RunSummary.notStarted }.count
                let finished = group.compactMap { run in run.parzen.map { ($0, run.parzenStandardError ?? 0) } }
                let failures = group.filter { $0.status == "failed" }.map { "\($0.runID): \($0.failure)" }
                guard !finished.isEmpty else {
                    return Cell(mean: nil, standardError: nil, seedSpread: nil, seeds: 0, failures: failures, unfinished: unfinished,
                                notStarted: notStarted)
                }
                let lls = finished.map(\.0)
                let mean = lls.reduce(0, +) / Double(lls.count)
                let spread = lls.count > 1
                    ? (lls.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(lls.count - 1)).squareRoot() : nil
                let se = finished.map(\.1).reduce(0, +) / Double(finished.count)
                return Cell(mean: mean, standardError: se, seedSpread: spread, seeds: lls.count, failures: failures,
                            unfinished: unfinished, notStarted: notStarted)
            }
        }
        for c in columns.indices {
            let best = self.models.filter { cells[$0]?[c].map { $0.seeds > 0 } ?? false }
                .max { cells[$0]![c]!.mean! < cells[$1]![c]!.mean! }
            if let best { cells[best]![c]!.isBest = true }
        }
        self.cells = cells
    }
}

/// "0.25", "0", "1e-05": numbers as a person writes them.
func formatNumber(_ x: Double) -> String {
    if x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) }
    return String(format: "%g", x)
}
