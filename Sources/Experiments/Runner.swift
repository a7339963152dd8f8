import Datasets
import Dispatch
import Evaluation
import Foundation
import ResultStore
import TensorCore
import Training

/// Which of a spec's runs a process takes.
public struct RunSelection: Sendable, Equatable {
    /// 1-based shard index and shard count: run i is taken when i mod count == index − 1.
    public var shard: (index: Int, count: Int)?
    /// Only the runs whose id matches one of these patterns (`*` and `?` as in the shell; a plain
    /// id matches itself). `--only` on the command line, and how `--jobs` hands runs to workers.
    public var only: [String]?

    public init(shard: (index: Int, count: Int)? = nil, only: [String]? = nil) {
        self.shard = shard
        self.only = only
    }

    public func takes(_ run: RunConfig) -> Bool {
        if let shard, run.index % shard.count != shard.index - 1 { return false }
        if let only, !only.contains(where: { Self.matches($0, run.id) }) { return false }
        return true
    }

    /// The patterns of `only` that match none of `runs`: each is a typo or a run of another spec.
    public func unmatchedPatterns(in runs: [RunConfig]) -> [String] {
        (only ?? []).filter { pattern in !runs.contains { Self.matches(pattern, $0.id) } }
    }

    static func matches(_ pattern: String, _ id: String) -> Bool { fnmatch(pattern, id, 0) == 0 }

    public static func == (a: RunSelection, b: RunSelection) -> Bool {
        a.shard?.index == b.shard?.index && a.shard?.count == b.shard?.count && a.only == b.only
    }
}

/// Where a run stands on disk.
public enum RunState: Sendable, Equatable, CustomStringConvertible {
    case pending
    /// A checkpoint after this many epochs; `recentSeconds`: the mean training time (batches
    /// only) of its last (up to 10) epochs, and `threads` the BLAS thread count of the last, for
    /// an estimate of the training time left.
    case partial(epochs: Int, recentSeconds: Double?, threads: Int?)
    case complete
    case failed(String)
    /// A run file that cannot be read (truncated, not HDF5, …): the run is trained again and the
    /// new file replaces it.
    case unreadable(String)

    public var description: String {
        switch self {
        case .pending: return "pending"
        case .unreadable(let why): return "pending: its run file is unreadable (\(why)); training again replaces it"
        case .partial(let e, _, _): return "checkpointed after epoch \(e) (training, or interrupted)"
        case .complete: return "complete"
        case .failed(let why): return "failed: \(why)"
        }
    }
}

/// What `aelab run` will do with a run, from its files and the spec now.
public enum RunPlan: Sendable, Equatable, CustomStringConvertible {
    /// Done under this configuration (complete, or failed and not to be retried).
    case skip
    /// From the start: nothing on disk, or asked to redo it.
    case train
    /// From its checkpoint after this many epochs.
    case resume(epochs: Int)
    /// Complete after this many epochs, and the spec now asks for more: training continues from
    /// the run file's final checkpoint, with the losses of a run trained that long from the start.
    case extend(epochs: Int)
    /// Trained (or checkpointed) under another configuration: left as it is, never mixed with
    /// this one; `--overwrite` starts it afresh.
    case keep(changes: [ConfigurationChange], checkpointed: Bool)

    public var trains: Bool {
        switch self {
        case .train, .resume, .extend: return true
        case .skip, .keep: return false
        }
    }

    public var description: String {
        switch self {
        case .skip: return "done"
        case .train: return "to train"
        case .resume(let e): return "to resume after epoch \(e)"
        case .extend(let e): return "to continue from its \(e) epochs"
        case .keep(let changes, let checkpointed):
            return "\(checkpointed ? "checkpoint" : "run") kept: trained with another configuration ("
                + changes.prefix(3).map(\.description).joined(separator: "; ") + (changes.count > 3 ? "; …" : "")
                + "); --overwrite retrains it"
        }
    }
}

/// What a sweep did.
public struct RunSummary: Sendable {
    public var completed: [String] = []
    public var failed: [(id: String, reason: String)] = []
    public var skipped: [String] = []
    /// Runs left as they are because they were trained under another configuration.
    public var kept: [(id: String, plan: RunPlan)] = []
    public var seconds: Double = 0

    public var line: String {
        "\(completed.count) complete, \(failed.count) failed, \(skipped.count) skipped (already done), "
            + (kept.isEmpty ? "" : "\(kept.count) kept from another configuration, ") + "in \(formatDuration(seconds))"
    }
}

/// Trains and evaluates every selected run that is not done, and skips those that are: running it
/// again after an interruption finishes the sweep, continuing each run from its last epoch.
public struct Runner {
    public let spec: Spec
    public let runs: [RunConfig]
    public let paths: RunPaths
    public var selection = RunSelection()
    /// Redo runs that are complete or failed (and restart interrupted ones from scratch).
    public var overwrite = false
    /// Retry runs that failed (keeping complete ones).
    public var retryFailed = false
    public var log: @Sendable (String) -> Void = { print($0) }
    public var progress: (any TrainingProgress)?

    public init(spec: Spec, resultsRoot: String) {
        self.spec = spec
        runs = spec.runs()
        paths = RunPaths(resultsRoot: resultsRoot, experiment: spec.name)
    }

    public var selectedRuns: [RunConfig] { runs.filter(selection.takes) }

    /// The state of `run` on disk, from the files' attributes and metrics alone (not their weights).
    /// An unreadable run file is redone (after a checkpoint, if there is a readable one).
    public func state(of run: RunConfig) -> RunState {
        var unreadable: String?
        do {
            let record = try RunFile.read(paths.runFile(run.id), parts: [])
            return record.attributes.status == .failed ? .failed(record.attributes.failure) : .complete
        } catch {
            if FileManager.default.fileExists(atPath: paths.runFile(run.id)) { unreadable = "\(error)" }
        }
        if let record = try? RunFile.read(paths.checkpoint(run.id), parts: .metrics) {
            let seconds = (record.trainMetrics["seconds"] ?? []).filter { $0.isFinite && $0 >= 0 }.suffix(10)
            let threads = record.trainMetrics["blas_threads"]?.last.flatMap { $0.isFinite && $0 >= 1 ? Int($0) : nil }
            return .partial(epochs: record.trainedEpochs,
                            recentSeconds: seconds.isEmpty ? nil : seconds.reduce(0, +) / Double(seconds.count), threads: threads)
        }
        return unreadable.map(RunState.unreadable) ?? .pending
    }

    /// What running the spec now does with `run`. A run file or checkpoint trained under another
    /// configuration (`ConfigurationChange.between` its stored configuration and the run's now)
    /// is kept, except that a larger `training.epochs` continues it.
    public func plan(for run: RunConfig) -> RunPlan {
        if overwrite { return .train }
        func changes(_ r: RunRecord) -> [ConfigurationChange] {
            ConfigurationChange.between(stored: r.attributes.spec, current: run.resolvedJSON)
        }
        /// A checkpoint continues under no change, or only a training.epochs it has not passed.
        func resumable(_ c: RunRecord) -> RunPlan? {
            let ch = changes(c)
            guard ch.isEmpty || (ConfigurationChange.onlyEpochs(ch) && run.training.epochs >= c.trainedEpochs) else { return nil }
            return .resume(epochs: c.trainedEpochs)
        }
        let checkpoint = try? RunFile.read(paths.checkpoint(run.id), parts: .metrics)
        // An unreadable run file counts as absent, as in state(of:).
        guard let done = try? RunFile.read(paths.runFile(run.id), parts: .metrics) else {
            guard let checkpoint else { return .train }
            return resumable(checkpoint) ?? .keep(changes: changes(checkpoint), checkpointed: true)
        }
        let ch = changes(done)
        if done.attributes.status == .failed {
            return retryFailed ? .train : ch.isEmpty ? .skip : .keep(changes: ch, checkpointed: false)
        }
        // A checkpoint beside a complete run is an extension under way.
        if let checkpoint, let plan = resumable(checkpoint) { return plan }
        if ch.isEmpty { return .skip }
        if ConfigurationChange.onlyEpochs(ch) && run.training.epochs > done.trainedEpochs { return .extend(epochs: done.trainedEpochs) }
        return .keep(changes: ch, checkpointed: false)
    }

    /// Writes `plan.json` (`PlannedRuns`): every run of the spec, whatever the selection, so that
    /// `aelab compare` and `aelab report` list the runs not started yet. `aelab run` calls it
    /// before training; its worker processes do not.
    public func writePlan() throws {
        try paths.makeFolders()
        let planned = runs.map {
            RunAttributes(experiment: $0.experiment, runID: $0.id, model: $0.model, latentDim: $0.latentDim,
                          dropout: $0.dropout, seed: $0.seed, dataset: $0.dataset, status: .running,
                          spec: $0.resolvedJSON, started: "", aelabVersion: "")
        }
        try PlannedRuns.write(planned, to: paths.planFile, written: isoNow())
    }

    /// Runs the selection in order; a run that fails is recorded and the sweep goes on.
    public func run() throws -> RunSummary {
        try paths.makeFolders()
        let freed = paths.removeStaleTemporaries()
        if freed > 0 { log("removed \(freed / 1_000_000) MB of temporary files left by an interrupted run") }
        let start = DispatchTime.now().uptimeNanoseconds
        var summary = RunSummary()
        var cache: [String: Dataset] = [:]
        let selected = selectedRuns
        for (n, run) in selected.enumerated() {
            let plan = plan(for: run)
            if case .keep = plan {
                summary.kept.append((run.id, plan))
                log("\(run.id): \(plan)")
                continue
            }
            guard plan.trains else {
                summary.skipped.append(run.id)
                continue
            }
            if overwrite {
                // Start afresh: an interrupted overwrite must not leave the old result looking current.
                try? FileManager.default.removeItem(atPath: paths.checkpoint(run.id))
                try? FileManager.default.removeItem(atPath: paths.runFile(run.id))
            }
            log("[\(n + 1)/\(selected.count)] \(run.id): \(run.model), latent \(run.latentDim), dropout \(run.dropout), seed \(run.seed), \(run.training.epochs) epochs; OpenBLAS \(BLASKernel.current) kernels, \(BLAS.threads) thread\(BLAS.threads == 1 ? "" : "s")")
            do {
                let data = try dataset(for: run, cache: &cache)
                var execution = RunExecution(run: run, paths: paths, data: data, log: log, progress: progress)
                if case .extend = plan { execution.continueFrom = paths.runFile(run.id) }
                let record = try execution.execute()
                if record.attributes.status == .failed {
                    summary.failed.append((run.id, record.attributes.failure))
                    log("\(run.id): FAILED: \(record.attributes.failure)")
                } else {
                    summary.completed.append(run.id)
                }
            } catch let error as DatasetError {
                throw error   // the same for every run: stop with the one clear line
            } catch {
                // Anything else (an unusable checkpoint, a failed write) stops this run only.
                summary.failed.append((run.id, "\(error)"))
                log("\(run.id): FAILED: \(error)")
                if error is RunStateError || error is HDF5Error, FileManager.default.fileExists(atPath: paths.checkpoint(run.id)) {
                    let aside = paths.checkpoint(run.id) + ".unusable"
                    try? FileManager.default.removeItem(atPath: aside)
                    try? FileManager.default.moveItem(atPath: paths.checkpoint(run.id), toPath: aside)
                    log("\(run.id): its checkpoint was moved to \(aside); the next run starts it afresh")
                }
            }
            try baselines(for: run, cache: &cache)
        }
        summary.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return summary
    }

    private func dataset(for run: RunConfig, cache: inout [String: Dataset]) throws -> Dataset {
        let key = "\(run.dataset) \(run.datasetOptions)"
        if let d = cache[key] { return d }
        let d = try Dataset.load(run.dataset, options: run.datasetOptions)
        cache[key] = d
        return d
    }

    /// The Parzen baselines of a run's dataset and evaluation settings, computed once: the
    /// training images themselves as samples (a model that memorises), and draws from a Gaussian
    /// fitted to each pixel (mean and variance).
    private func baselines(for run: RunConfig, cache: inout [String: Dataset]) throws {
        let data = try dataset(for: run, cache: &cache)
        let p = run.evaluation.parzen
        let n = min(p.generatedSamples, data.train.count)
        for name in ["baseline-train", "baseline-gaussian"] {
            let id = "\(name)-\(run.dataset)"
            guard !FileManager.default.fileExists(atPath: paths.baseline(id)) else { continue }
            let samples: Tensor
            if name == "baseline-train" {
                samples = data.train.images.rows(0..<n)
            } else {
                let mean = data.train.images.mean(alongAxis: 0)
                let std = (data.train.images - mean).squared().mean(alongAxis: 0).squareRoot()
                var rng = RandomStream(seed: 1, purpose: "baseline")
                samples = Tensor.normal([p.generatedSamples, mean.count], using: &rng) * std + mean
            }
            let validation = data.validation.images.rows(0..<min(p.validationPoints, data.validation.count))
            guard validation.rows > 0 else { return }
            let test = data.test.images.rows(0..<min(p.testPoints, data.test.count))
            let e = ParzenWindow(samples: samples).evaluate(validation: validation, test: test, sigmaGrid: p.sigmaGrid)
            let attributes = RunAttributes(experiment: spec.name, runID: id, model: name, latentDim: 0, dropout: 0, seed: 1,
                                           dataset: run.dataset, status: .complete, spec: "{}", started: isoNow(),
                                           finished: isoNow(), aelabVersion: aelabVersion, blasCores: BLASKernel.current)
            try RunFile.write(RunRecord(attributes: attributes, parzen: ParzenRecord(e, generated: samples.rows)), to: paths.baseline(id))
            log(String(format: "%@: Parzen log-likelihood %.2f ± %.2f (σ = %.4f)", id, e.mean, e.standardError, e.sigma))
        }
    }
}
