import ArgumentParser
import Datasets
import Experiments
import Foundation
import Report
import ResultStore
import TensorCore
import Training

/// `aelab run`: the whole sweep of a spec, resumable.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Train and evaluate every run of an experiment spec that is not done yet.",
        discussion: """
        Each run is written to RESULTS/NAME/runs/RUN-ID.h5 when it is whole (complete, or failed with its reason); while it trains, a checkpoint after every epoch sits in RESULTS/NAME/checkpoints/. Running the same command again skips finished runs and continues interrupted ones from their last epoch, with the same optimizer moments and random streams, so their losses are those of an uninterrupted run. A run done or checkpointed under another configuration (the spec, or a --set, changed since) is kept as it is and the settings that differ are named: --overwrite retrains it. The one exception is a larger training.epochs: complete runs continue from their final epoch to the new count, with the losses of a run trained that long from the start. At the end it prints a summary and the comparison table.

        Examples:
          aelab run experiments/quickstart.json
          aelab run experiments/mnist-sweep.json --set training.epochs=1 --dry-run
          aelab run experiments/mnist-sweep.json --shard 2/4      # a quarter of the runs
          aelab run experiments/mnist-sweep.json --jobs 2 --threads 1
          aelab run experiments/mnist-sweep.json --only 'aae-z8-*'   # two of its runs
        See docs/spec.md for every key of a spec.
        """
    )

    @Argument(help: "The experiment spec (JSON).") var spec: String
    @Option(name: .customLong("set"), help: "Override a setting: path=value (JSON value), e.g. training.epochs=1. Repeatable.")
    var overrides: [String] = []
    @Option(help: "Where results go.") var results = "results"
    @Option(parsing: .unconditional, help: ArgumentHelp("Run only shard I of N (1-based): the runs whose index mod N is I − 1.", valueName: "I/N"))
    var shard: String?
    @Option(help: ArgumentHelp("Run only the runs whose id matches one of these comma-separated patterns (* and ? as in the shell), e.g. aae-z8-d0-s1 or 'vae-*'; --dry-run lists the ids.", valueName: "patterns"))
    var only: String?
    @Option(parsing: .unconditional, help: "Run this many runs at once, each in its own process.") var jobs = 1
    @Option(parsing: .unconditional, help: "Threads per process, for OpenBLAS and AELab's own loops (default: the cores divided by --jobs).") var threads: Int?
    @Flag(help: "Redo runs that are already complete or failed.") var overwrite = false
    @Flag(help: "Retry runs that failed, keeping complete ones.") var retryFailed = false
    @Flag(help: "List the runs and their state; train nothing.") var dryRun = false
    /// Set by `--jobs` on the processes it starts: they print no table (the parent does).
    @Flag(help: .hidden) var worker = false

    var onlyPatterns: [String]? {
        only.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if let shard, Shard(argument: shard) == nil {
            throw ValidationError("--shard \(shard): expected I/N with 1 ≤ I ≤ N, e.g. 2/4")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if let onlyPatterns, onlyPatterns.isEmpty { throw ValidationError("--only needs at least one run id or pattern") }
    }

    func run() throws {
        let loaded: Spec
        do { loaded = try Spec.load(file: spec, overrides: overrides) } catch { throw failure(error.description) }
        var runner = Runner(spec: loaded, resultsRoot: results)
        runner.selection = RunSelection(shard: shard.flatMap(Shard.init(argument:)).map { ($0.index, $0.count) }, only: onlyPatterns)
        if let unmatched = runner.selection.unmatchedPatterns(in: runner.runs).first {
            throw failure("\(spec): --only '\(unmatched)' matches none of its \(runner.runs.count) runs "
                + "(ids look like \(runner.runs.first?.id ?? "ae-z8-d0-s1"); aelab run \(spec) --dry-run lists them)")
        }
        runner.overwrite = overwrite
        runner.retryFailed = retryFailed
        runner.log = { emit($0) }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        ComputeEnvironment.configure(threads: threads ?? max(1, cores / jobs))
        if !worker, let problem = runner.memoryProblem(jobs: jobs, available: availableMemory()) {
            throw failure("\(spec): \(problem)")
        }

        if dryRun {
            for run in runner.selectedRuns {
                let next: String
                switch runner.plan(for: run) {
                case .skip, .train, .resume: next = ""
                case let plan: next = ", \(plan)"   // .extend, .keep: what the state alone does not say
                }
                let state = runner.state(of: run)
                var left = ""
                if case .partial(let done, let seconds?, let threads) = state, run.training.epochs > done,
                   seconds * Double(run.training.epochs - done) < 1e9 {
                    let at = threads.map { " at \($0) thread\($0 == 1 ? "" : "s")" } ?? ""
                    left = String(format: ", about %@ more training%@, at its recent %.0f s per epoch",
                                  formatDuration(seconds * Double(run.training.epochs - done)), at, seconds)
                }
                emit("\(run.id)  \(state)  (\(run.training.epochs) epochs\(left)\(next))")
            }
            let selected = runner.selectedRuns.count
            emit("\(selected) run\(selected == 1 ? "" : "s") of \(runner.runs.count) selected")
            // Training would stop at the first run without its data: say so now.
            for name in Set(runner.selectedRuns.filter { runner.plan(for: $0).trains }.map(\.dataset)).sorted() {
                if let error = Self.missing(dataset: name) { warn("\(error); the runs above that train would fail") }
            }
            return
        }
        if !worker {
            // compare and report then list the runs not started yet (plan.json); not when a dataset
            // is missing, since training then stops at once with its own error
            if Set(runner.runs.map(\.dataset)).allSatisfy({ Self.missing(dataset: $0) == nil }) {
                do { try runner.writePlan() } catch {
                    try? FileManager.default.removeItem(atPath: runner.paths.planFile)
                    warn("the run plan could not be written (\(error)); aelab compare will not list the runs not started")
                }
            }
        }
        if jobs > 1 && !worker {
            try runInWorkers(runner)
        } else {
            if isatty(STDERR_FILENO) != 0 { runner.progress = ConsoleProgress(label: "") }
            let summary: Experiments.RunSummary
            do { summary = try runner.run() } catch let error as DatasetError { throw failure(error.description) }
            emit("\(loaded.name): \(summary.line)")
            for f in summary.failed { emit("  failed \(f.id): \(f.reason)") }
            if worker { return }   // the parent prints the table
        }
        try CompareCommand.printComparison(folder: runner.paths.experimentFolder, experiment: loaded.name,
                                           modelOrder: loaded.models, format: .table)
        do {
            emit("report: \(try writeReport(resultsFolder: runner.paths.experimentFolder, modelOrder: loaded.models))")   // the table above warned of unreadable files
        } catch {
            warn("the report could not be written: \(error)")
        }
    }

    /// Why the dataset `name` cannot be found (its search path and how to get it), or nil.
    static func missing(dataset name: String) -> Error? {
        do { _ = try DataSearchPath.standard().locate(try DatasetInfo.named(name)) } catch { return error }
        return nil
    }

    /// Runs each pending run in a process of its own (this program with --worker --only ID),
    /// `jobs` at a time, in the spec's order: a process that finishes early takes the next run,
    /// so a long run does not hold up a worker's share of short ones.
    func runInWorkers(_ runner: Runner) throws {
        var kept = 0
        let pending = runner.selectedRuns.filter { run in
            let plan = runner.plan(for: run)
            if case .keep = plan {
                emit("\(run.id): \(plan)")
                kept += 1
            }
            return plan.trains
        }
        if kept > 0 { emit("\(kept) runs kept from another configuration") }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let perWorker = threads ?? max(1, cores / jobs)
        emit("\(pending.count) runs, \(min(jobs, pending.count)) at a time in worker processes, \(perWorker) BLAS thread\(perWorker == 1 ? "" : "s") each")
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let finished = DispatchSemaphore(value: 0)
        var queue = pending.map(\.id)[...]
        var running: [Process] = []
        var bad: [Int32] = []
        while !queue.isEmpty || !running.isEmpty {
            while running.count < jobs, let id = queue.popFirst() {
                let p = Process()
                p.executableURL = me
                p.arguments = ["run", spec, "--results", results, "--threads", "\(perWorker)", "--worker", "--only", id]
                    + overrides.flatMap { ["--set", $0] } + (overwrite ? ["--overwrite"] : []) + (retryFailed ? ["--retry-failed"] : [])
                p.terminationHandler = { _ in finished.signal() }
                try p.run()
                running.append(p)
            }
            finished.wait()
            for p in running where !p.isRunning && p.terminationStatus != 0 { bad.append(p.terminationStatus) }
            running.removeAll { !$0.isRunning }
        }
        if !bad.isEmpty { throw failure("\(bad.count) of \(pending.count) worker processes exited with an error (see their output above)") }
    }
}

/// `I/N`, 1 ≤ I ≤ N.
/// `--shard I/N`, 1 ≤ I ≤ N.
struct Shard {
    let index: Int, count: Int
    init?(argument: String) {
        let parts = argument.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 1, i <= n else { return nil }
        index = i
        count = n
    }
}
