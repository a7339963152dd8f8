import ArgumentParser
import Experiments
import Foundation
import ResultStore

/// `aelab slurm`: prints an sbatch array script that runs a spec's sweep as one array task per
/// shard, every task writing its run files into the same results folder.
struct SlurmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Print an sbatch array script that runs a spec's sweep, one array task per shard.",
        discussion: """
        Array task I (of N) runs `aelab run SPEC --shard I/N` with the same --set overrides, \
        so the N tasks split the sweep's runs between them (run i goes to shard i mod N + 1) \
        and each writes its run files into RESULTS/NAME/runs, one shared folder. A task \
        skips runs that are already complete, so resubmitting the script finishes an \
        interrupted sweep.

        Workflow, on the cluster's login node (the aelab binary, the spec and the results \
        folder must be on a file system the compute nodes see, at the same paths):

          aelab slurm spec.json --partition compute --time 02:00:00 > sweep.sbatch
          sbatch sweep.sbatch                   (or: aelab slurm spec.json | sbatch)
          squeue --me                           (wait for the array to finish)
          aelab compare RESULTS/NAME

        The script changes to the folder `aelab slurm` was run in and calls this aelab \
        binary and the spec by absolute paths. Each task's output goes to \
        RESULTS/NAME/logs/slurm-JOB_TASK.out; that folder is created now, since Slurm does \
        not create it. The script is only printed: nothing is submitted.
        """
    )

    @Argument(help: "The experiment spec (JSON).") var spec: String
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a value of the spec, as for `aelab run`.", valueName: "path=value"))
    var overrides: [String] = []
    @Option(parsing: .unconditional, help: "Array tasks, each one shard of the sweep (default: one per run).") var shards: Int?
    @Option(help: ArgumentHelp("The results folder (as `aelab run --results`).", valueName: "dir")) var results = "results"
    @Option(help: "Slurm partition (default: the cluster's default partition).") var partition: String?
    @Option(help: ArgumentHelp("Wall-clock limit per task, in Slurm's format (minutes, HH:MM:SS, D-HH:MM:SS).", valueName: "time"))
    var time = "04:00:00"
    @Option(parsing: .unconditional, help: "CPUs per task; the task's run uses as many OpenBLAS threads.") var cpus = 2

    func validate() throws {
        if let shards, shards < 1 { throw ValidationError("--shards must be at least 1, got \(shards)") }
        guard cpus >= 1 else { throw ValidationError("--cpus must be at least 1, got \(cpus)") }
        guard SlurmScript.isTimeLimit(time) else {
            throw ValidationError("--time must be a Slurm time limit (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS), got '\(time)'")
        }
        if let partition, partition.isEmpty || partition.contains(where: { $0.isWhitespace || $0 == "\"" }) {
            throw ValidationError("--partition must be a partition name (no spaces or quotes), got '\(partition)'")
        }
    }

    func run() throws {
        let loaded: Spec
        do { loaded = try Spec.load(file: spec, overrides: overrides) } catch { throw failure(error.description) }
        let runCount = loaded.runs().count
        guard runCount > 0 else { throw failure("\(spec): the sweep has no runs") }
        let shardCount = shards ?? runCount
        if shardCount > runCount {
            warn("\(shardCount) shards for \(runCount) runs: \(shardCount - runCount) array tasks will have nothing to do")
        }

        let here = FileManager.default.currentDirectoryPath
        let resultsFolder = SlurmScript.absolute(results, in: here)
        let paths = RunPaths(resultsRoot: resultsFolder, experiment: loaded.name)
        let logs = paths.experimentFolder + "/logs"
        do {
            try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        } catch {
            throw failure("cannot create the log folder \(logs): \(error.localizedDescription)")
        }

        let script = SlurmScript(
            name: loaded.name, runCount: runCount, shards: shardCount,
            partition: partition, time: time, cpus: cpus,
            workingDirectory: here, executable: SlurmScript.currentExecutable(),
            spec: SlurmScript.absolute(spec, in: here), overrides: overrides,
            results: resultsFolder, logs: logs,
            invocation: CommandLine.arguments.dropFirst().map(SlurmScript.quoted).joined(separator: " ")
        )
        print(script.text, terminator: "")
    }
}

/// The text of an sbatch array script for one spec; a value, so it can be checked without Slurm.
struct SlurmScript: Equatable {
    var name: String
    var runCount: Int
    var shards: Int
    var partition: String?
    var time: String
    var cpus: Int
    /// Absolute paths.
    var workingDirectory: String
    var executable: String
    var spec: String
    var overrides: [String]
    var results: String
    var logs: String
    /// The arguments `aelab slurm` was given, already quoted, for the script's header.
    var invocation: String

    var text: String {
        var lines = ["#!/bin/bash"]
        lines.append("#SBATCH --job-name=\(Self.directiveValue("aelab-" + name))")
        lines.append("#SBATCH --array=1-\(shards)")
        lines.append("#SBATCH --cpus-per-task=\(cpus)")
        lines.append("#SBATCH --ntasks=1")
        lines.append("#SBATCH --time=\(time)")
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        lines.append("#SBATCH --output=\(Self.directiveValue(logs + "/slurm-%A_%a.out"))")
        lines.append("")
        lines.append(Self.comment("Written by: aelab \(invocation)"))
        lines.append(Self.comment("The sweep of \(name) has \(runCount) run\(runCount == 1 ? "" : "s") in \(shards) shard\(shards == 1 ? "" : "s"); array task I runs shard I/\(shards),"))
        lines.append(Self.comment("writing into \(results)/\(name)/runs. Submit with: sbatch THIS-FILE"))
        lines.append(Self.comment("When every task is done: aelab compare \(Self.quoted(results + "/" + name))"))
        lines.append("set -eu")
        lines.append("cd \(Self.quoted(workingDirectory))")
        var command = [Self.quoted(executable), "run", Self.quoted(spec)]
        for override in overrides { command += ["--set", Self.quoted(override)] }
        command += ["--results", Self.quoted(results)]
        command += ["--threads", "\"${SLURM_CPUS_PER_TASK:-\(cpus)}\""]
        command += ["--shard", "\"${SLURM_ARRAY_TASK_ID}/\(shards)\""]
        lines.append("exec " + command.joined(separator: " "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// A `#` line; line breaks inside `text` (from a spec's name or a --set) stay inside the comment.
    static func comment(_ text: String) -> String {
        "# " + text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// `s` as one bash word: unchanged when it holds only safe characters, else in single quotes.
    static func quoted(_ s: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
        if !s.isEmpty && s.allSatisfy(safe.contains) { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// A `#SBATCH` value: sbatch splits these lines at blanks but honours double quotes; a line
    /// break would end the directive, so it becomes `_`.
    static func directiveValue(_ s: String) -> String {
        let line = String(s.map { $0.isNewline ? "_" : $0 })
        return line.contains(where: \.isWhitespace) ? "\"\(line)\"" : line
    }

    /// Slurm's time formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS, or no limit.
    static func isTimeLimit(_ s: String) -> Bool {
        if ["UNLIMITED", "INFINITE", "unlimited", "infinite"].contains(s) { return true }
        let dayParts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard dayParts.count <= 2 else { return false }
        let isNumber = { (t: Substring) in !t.isEmpty && t.allSatisfy(\.isASCII) && t.allSatisfy(\.isNumber) }
        let clock = dayParts.last!.split(separator: ":", omittingEmptySubsequences: false)
        if dayParts.count == 2 { guard isNumber(dayParts[0]), clock.count <= 3 else { return false } }
        return clock.count <= 3 && clock.allSatisfy(isNumber)
    }

    /// `path` made absolute against `directory`, with `.` and `..` removed.
    static func absolute(_ path: String, in directory: String) -> String {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: directory).appendingPathComponent(path)
        return url.standardizedFileURL.path
    }

    /// The absolute path of the running aelab binary (what the array tasks will call).
    static func currentExecutable() -> String {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        #endif
        if let path = Bundle.main.executablePath { return URL(fileURLWithPath: path).resolvingSymlinksInPath().path }
        let first = CommandLine.arguments[0]
        if first.contains("/") { return absolute(first, in: FileManager.default.currentDirectoryPath) }
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for folder in searchPath.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/\(first)") {
            return absolute("\(folder)/\(first)", in: FileManager.default.currentDirectoryPath)
        }
        return first
    }
}
