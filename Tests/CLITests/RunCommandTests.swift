import Foundation
import ResultStore
import TensorCore
import XCTest

/// End-to-end: the `aelab run` binary on small specs.
final class RunCommandTests: XCTestCase {
    func writeSpec(_ folder: URL, _ name: String, _ json: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func tinySpec(name: String, epochs: Int, hidden: Int = 32, trainLimit: Int = 500) -> String {
        """
        {"name": "\(name)", "models": ["ae", "aae"], "sweep": {"latent_dim": [2, 3]},
         "dataset": {"name": "mnist", "validation_size": 200, "train_limit": \(trainLimit)},
         "network": {"hidden": [\(hidden)], "discriminator_hidden": [\(hidden)]}, "dropout": 0.25,
         "training": {"epochs": \(epochs)},
         "evaluation": {"parzen": {"generated_samples": 200, "test_points": 100, "validation_points": 100}}}
        """
    }

    func runFiles(_ folder: URL, _ name: String) -> [String] {
        let runs = folder.appendingPathComponent("\(name)/runs").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? []).filter { $0.hasSuffix(".h5") }.sorted()
    }

    /// Two complete run files with the same losses (all but the timing), weights and Parzen value.
    func assertSameRun(_ reference: String, _ other: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let a = try RunFile.read(reference), b = try RunFile.read(other)
        let name = (other as NSString).lastPathComponent
        XCTAssertEqual(b.attributes.status, .complete, name, file: file, line: line)
        var ta = a.trainMetrics, tb = b.trainMetrics
        ta["seconds"] = nil
        tb["seconds"] = nil
        XCTAssertEqual(ta, tb, "\(name): training losses", file: file, line: line)
        XCTAssertEqual(a.validationMetrics, b.validationMetrics, "\(name): validation losses", file: file, line: line)
        XCTAssertEqual(a.networks, b.networks, "\(name): weights", file: file, line: line)
        XCTAssertEqual(a.parzen?.logLikelihood, b.parzen?.logLikelihood, name, file: file, line: line)
    }

    func skipWithoutMNIST() throws {
        guard FileManager.default.fileExists(atPath: CLI.dataRoot + "/mnist") else { throw XCTSkip("MNIST not found under \(CLI.dataRoot)") }
    }

    /// Malformed specs and overrides: one clear line, a non-zero exit, nothing under results/.
    func testMalformedSpecsFailCleanlyAndWriteNothing() throws {
        let folder = try CLI.temporaryFolder()
        let good = #"{"name": "x", "models": ["ae"], "dataset": {"name": "mnist"}}"#
        let bad: [(String, String, [String])] = [
            ("syntax", #"{"name": "x", "models": ["ae"]"#, []),
            ("unknown key", #"{"name": "x", "models": ["ae"], "colour": 1}"#, []),
            ("misspelt key", #"{"name": "x", "models": ["ae"], "latent_dims": 8}"#, []),
            ("wrong type", #"{"name": "x", "models": ["ae"], "latent_dim": "eight"}"#, []),
            ("negative epochs", #"{"name": "x", "models": ["ae"], "training": {"epochs": -1}}"#, []),
            ("latent 0", #"{"name": "x", "models": ["ae"], "latent_dim": 0}"#, []),
            ("unknown model", #"{"name": "x", "models": ["gan"]}"#, []),
            ("unknown dataset", #"{"name": "x", "models": ["ae"], "dataset": {"name": "cifar"}}"#, []),
            ("empty sweep", #"{"name": "x", "models": ["ae"], "sweep": {"latent_dim": []}}"#, []),
            ("empty models", #"{"name": "x", "models": []}"#, []),
            ("dropout 1", #"{"name": "x", "models": ["ae"], "dropout": 1.0}"#, []),
            ("batch size 0", #"{"name": "x", "models": ["ae"], "training": {"batch_size": 0}}"#, []),
            ("negative std", #"{"name": "x", "models": ["ae"], "prior": {"kind": "gaussian", "std": -1}}"#, []),
            ("unknown prior", #"{"name": "x", "models": ["ae"], "prior": {"kind": "laplace"}}"#, []),
            ("mixture in 1-D", #"{"name": "x", "models": ["aae"], "latent_dim": 1, "prior": {"kind": "mixture"}}"#, []),
            ("zip lengths", #"{"name": "x", "models": ["ae"], "sweep": {"zip": {"dropout": [0, 0.1], "seed": [1]}}}"#, []),
            ("sigma grid", #"{"name": "x", "models": ["ae"], "evaluation": {"parzen": {"sigma_grid": [0.1, 0]}}}"#, []),
            ("options of an unknown model", #"{"name": "x", "models": ["ae"], "model_options": {"gan": {"lambda": 1}}}"#, []),
            ("zero learning rate", #"{"name": "x", "models": ["ae"], "training": {"learning_rate": {"reconstruction": 0}}}"#, []),
            ("not an object", "[1, 2]", []),
            ("key written twice", #"{"name": "x", "models": ["ae"], "name": "y"}"#, []),
            ("trailing comma", #"{"name": "x", "models": ["ae"],}"#, []),
            ("bad --set path", good, ["--set", "training.epoch=3"]),
            ("bad --set value", good, ["--set", "training.epochs=0"]),
            ("--set without =", good, ["--set", "training.epochs"]),
        ]
        for (what, json, extra) in bad {
            let spec = try writeSpec(folder, "spec.json", json)
            let results = folder.appendingPathComponent("results-\(what.replacingOccurrences(of: " ", with: "-"))").path
            let r = try CLI.run(["run", spec, "--results", results] + extra)
            XCTAssertNotEqual(r.status, 0, "\(what): exit status")
            let lines = r.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "\(what): stderr should be one line: \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("spec.json"), "\(what): the message names the file: \(r.stderr)")
            XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("Backtrace"), "\(what): crashed")
            XCTAssertFalse(FileManager.default.fileExists(atPath: results), "\(what): wrote \(results)")
        }
        let missing = try CLI.run(["run", folder.appendingPathComponent("nope.json").path, "--results", folder.path + "/r"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("nope.json"), missing.stderr)
    }

    /// SIGKILL during training, run again: every run complete and readable, and the interrupted
    /// run's per-epoch losses equal an uninterrupted run's.
    func testKilledRunResumesToTheSameLosses() throws {
        try skipWithoutMNIST()
        let folder = try CLI.temporaryFolder()
        let spec = try writeSpec(folder, "resume.json", tinySpec(name: "resume", epochs: 6, hidden: 256, trainLimit: 3000))
        let reference = folder.appendingPathComponent("reference"), killed = folder.appendingPathComponent("killed")
        XCTAssertEqual(try CLI.run(["run", spec, "--results", reference.path]).status, 0)

        let (p, _, _) = try CLI.start(["run", spec, "--results", killed.path])
        let checkpoints = killed.appendingPathComponent("resume/checkpoints").path
        let deadline = Date().addingTimeInterval(120)
        // Wait for the first run's second checkpoint, so the kill lands mid-training.
        var sawCheckpoint = false
        while Date() < deadline && p.isRunning {
            if let names = try? FileManager.default.contentsOfDirectory(atPath: checkpoints), names.contains(where: { $0.hasSuffix(".h5") && !$0.hasPrefix(".") }),
               let first = names.first(where: { $0.hasSuffix(".h5") && !$0.hasPrefix(".") }),
               let r = try? RunFile.read(checkpoints + "/" + first, parts: [.checkpoint]), (r.checkpoint?.epoch ?? 0) >= 2 {
                sawCheckpoint = true
                break
            }
            usleep(20_000)
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        XCTAssertTrue(sawCheckpoint, "no checkpoint appeared before the deadline")
        XCTAssertLessThan(runFiles(killed, "resume").count, 4, "the kill came too late to interrupt anything")
        // A dry run tells how far the checkpoint got and, from its epochs' times, how long is left.
        let dry = try CLI.run(["run", spec, "--results", killed.path, "--dry-run"])
        XCTAssertNotNil(dry.stdout.range(of: #"checkpointed after epoch \d+ \(training, or interrupted\)  \(\d+ epochs, about \S+ more training at \d+ threads?, at its recent \d+ s per epoch\)"#,
                                         options: .regularExpression), dry.stdout)
        // The comparison and the report list it as unfinished, in no cell, also when it is the
        // only run so far.
        let experiment = killed.appendingPathComponent("resume").path
        let compared = try CLI.run(["compare", experiment])
        XCTAssertEqual(compared.status, 0, compared.stderr)
        XCTAssertNotNil(compared.stdout.range(of: #"\n\S+-s1 +unfinished +\d of 6 "#, options: .regularExpression), compared.stdout)
        // The runs after it, which it did not reach, are not started (plan.json).
        let notStarted = 3 - runFiles(killed, "resume").count
        XCTAssertNotNil(compared.stdout.range(of: #"1 run is unfinished \(a checkpoint: training, interrupted, or kept from another configuration\) and in no cell: \S+ after epoch \d of 6"#
                                              + (notStarted > 0 ? #"; \#(notStarted) runs? (is|are) not started \(planned by the last aelab run, plan\.json\): \S+"# : "\n"),
                                              options: .regularExpression), compared.stdout)
        XCTAssertEqual(compared.stdout.components(separatedBy: "  not started  0 of 6 ").count - 1, notStarted, compared.stdout)
        let reported = try CLI.run(["report", experiment])
        XCTAssertEqual(reported.status, 0, reported.stderr)
        let html = try String(contentsOfFile: experiment + "/report/index.html", encoding: .utf8)
        XCTAssertNotNil(html.range(of: #"<p class="lead">\d runs? and 1 unfinished"# + (notStarted > 0 ? ", \(notStarted) not started" : "") + " · dataset mnist",
                                   options: .regularExpression), html)

        let again = try CLI.run(["run", spec, "--results", killed.path])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("resuming after epoch"), again.stdout)
        XCTAssertEqual(runFiles(killed, "resume"), runFiles(reference, "resume"))
        XCTAssertEqual(runFiles(killed, "resume").count, 4)
        for name in runFiles(reference, "resume") {
            try assertSameRun(reference.appendingPathComponent("resume/runs/\(name)").path,
                              killed.appendingPathComponent("resume/runs/\(name)").path)
        }
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: checkpoints))?.filter { $0.hasSuffix(".h5") }, [])
    }

    /// Runs trained under another configuration are kept as they are, never mixed with the new
    /// one; more epochs continue a complete run (or a checkpoint) to the losses and Parzen value of
    /// a run trained that long from the start.
    func testAnotherConfigurationIsKeptAndMoreEpochsContinue() throws {
        try skipWithoutMNIST()
        let folder = try CLI.temporaryFolder()
        let spec = try writeSpec(folder, "extend.json", tinySpec(name: "extend", epochs: 3))
        let reference = folder.appendingPathComponent("reference"), grown = folder.appendingPathComponent("grown")
        let only = ["--only", "ae-z2-d0.25-s1"]
        let runFile = grown.appendingPathComponent("extend/runs/ae-z2-d0.25-s1.h5").path
        let checkpoint = grown.appendingPathComponent("extend/checkpoints/ae-z2-d0.25-s1.h5").path
        XCTAssertEqual(try CLI.run(["run", spec, "--results", reference.path] + only).status, 0)
        XCTAssertEqual(try CLI.run(["run", spec, "--results", grown.path, "--set", "training.epochs=2"] + only).status, 0)
        let twoEpochs = try Data(contentsOf: URL(fileURLWithPath: runFile))

        let changed = ["--set", "training.epochs=2", "--set", "training.learning_rate.reconstruction=0.002"]
        let kept = try CLI.run(["run", spec, "--results", grown.path] + changed + only)
        XCTAssertEqual(kept.status, 0, kept.stderr)
        XCTAssertTrue(kept.stdout.contains("ae-z2-d0.25-s1: run kept: trained with another configuration (training.learning_rate.reconstruction: 0.001 there, 0.002 now); --overwrite retrains it"), kept.stdout)
        XCTAssertTrue(kept.stdout.contains("1 kept from another configuration"), kept.stdout)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: runFile)), twoEpochs, "the kept run file was rewritten")

        let dry = try CLI.run(["run", spec, "--results", grown.path, "--dry-run"] + only)
        XCTAssertTrue(dry.stdout.contains("ae-z2-d0.25-s1  complete  (3 epochs, to continue from its 2 epochs)"), dry.stdout)
        let longer = try CLI.run(["run", spec, "--results", grown.path] + only)
        XCTAssertEqual(longer.status, 0, longer.stderr)
        XCTAssertTrue(longer.stdout.contains("continuing, to more epochs, after epoch 2 of 3"), longer.stdout)
        try assertSameRun(reference.appendingPathComponent("extend/runs/ae-z2-d0.25-s1.h5").path, runFile)
        XCTAssertFalse(FileManager.default.fileExists(atPath: checkpoint))

        // A checkpoint (here the run file, put back as one) under another configuration is not resumed.
        try FileManager.default.moveItem(atPath: runFile, toPath: checkpoint)
        let notResumed = try CLI.run(["run", spec, "--results", grown.path, "--set", "training.learning_rate.reconstruction=0.002"] + only)
        XCTAssertEqual(notResumed.status, 0, notResumed.stderr)
        XCTAssertTrue(notResumed.stdout.contains("ae-z2-d0.25-s1: checkpoint kept: trained with another configuration"), notResumed.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: runFile))
    }

    /// Two shards at once into one folder give the same run files as one unsharded run.
    func testTwoShardsAtOnceEqualOneUnshardedRun() throws {
        try skipWithoutMNIST()
        let folder = try CLI.temporaryFolder()
        let spec = try writeSpec(folder, "shards.json", tinySpec(name: "shards", epochs: 1))
        let whole = folder.appendingPathComponent("whole"), sharded = folder.appendingPathComponent("sharded")
        XCTAssertEqual(try CLI.run(["run", spec, "--results", whole.path, "--threads", "1"]).status, 0)
        let one = try CLI.start(["run", spec, "--results", sharded.path, "--shard", "1/2", "--threads", "1"])
        let two = try CLI.start(["run", spec, "--results", sharded.path, "--shard", "2/2", "--threads", "1"])
        for (p, _, _) in [one, two] {
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0)
        }
        XCTAssertEqual(runFiles(sharded, "shards"), runFiles(whole, "shards"))
        XCTAssertEqual(runFiles(whole, "shards").count, 4)
        // Same seeds, same runs: the same numbers.
        for name in runFiles(whole, "shards") {
            let a = try RunFile.read(whole.appendingPathComponent("shards/runs/\(name)").path, parts: .summary)
            let b = try RunFile.read(sharded.appendingPathComponent("shards/runs/\(name)").path, parts: .summary)
            XCTAssertEqual(a.validationMetrics, b.validationMetrics, name)
        }
        let dry = try CLI.run(["run", spec, "--results", sharded.path, "--dry-run"])
        XCTAssertEqual(dry.stdout.components(separatedBy: "complete").count - 1, 4, dry.stdout)
    }

    /// --jobs N: the pending runs go to N worker processes; every run is done once.
    func testJobsRunEveryRunInWorkerProcesses() throws {
        try skipWithoutMNIST()
        let folder = try CLI.temporaryFolder()
        let spec = try writeSpec(folder, "jobs.json", tinySpec(name: "jobs", epochs: 1))
        let r = try CLI.run(["run", spec, "--results", folder.path, "--jobs", "2", "--threads", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("4 runs, 2 at a time in worker processes, 1 BLAS thread each"), r.stdout)
        XCTAssertEqual(runFiles(folder, "jobs").count, 4)
        XCTAssertTrue(r.stdout.contains("Parzen log-likelihood of mnist"), "the parent prints the table: \(r.stdout)")
    }

    /// The OpenBLAS kernel family a run trained with is in its file: the CPU's best where
    /// OpenBLAS fell back to plainer kernels (aelab starts itself again with OPENBLAS_CORETYPE),
    /// OpenBLAS's own choice otherwise, and always the family the user named in OPENBLAS_CORETYPE.
    func testRunFileNamesTheKernelFamilyItTrainedWith() throws {
        try skipWithoutMNIST()
        let folder = try CLI.temporaryFolder()
        let spec = try writeSpec(folder, "kernel.json", tinySpec(name: "kernel", epochs: 1))
        func cores(_ results: String, _ environment: [String: String?]) throws -> String {
            let r = try CLI.run(["run", spec, "--results", folder.appendingPathComponent(results).path, "--only", "ae-z2-*"],
                                environment: environment)
            XCTAssertEqual(r.status, 0, r.stderr)
            return try RunFile.read(folder.appendingPathComponent("\(results)/kernel/runs/ae-z2-d0.25-s1.h5").path,
                                    parts: .summary).attributes.blasCores
        }
        // OpenBLAS's own choice on this CPU, as aelab info reports it with OPENBLAS_CORETYPE unset
        // (this test process runs on the family scripts/test chose for it).
        let info = try CLI.run(["info"], environment: ["OPENBLAS_CORETYPE": nil]).stdout
        let kernels = info.split(separator: "\n").first { $0.hasPrefix("kernels ") }.map(String.init) ?? ""
        let own: String? = kernels.range(of: "OpenBLAS alone loads its ").map { kernels[$0.upperBound...].split(separator: " ").first.map(String.init) }
            ?? (kernels.contains("OpenBLAS's own choice") ? kernels.split(separator: " ").dropFirst().first.map(String.init) : nil)
        XCTAssertNotNil(own, info)
        let detected = try cores("detected", ["OPENBLAS_CORETYPE": nil])
        if let own {
            XCTAssertEqual(detected, BLASKernel.replacement(for: own, cpuFlags: BLASKernel.cpuFlags()) ?? own)
        }
        if BLASKernel.best(forCPUFlags: BLASKernel.cpuFlags()) != nil, let level = BLASKernel.level(of: detected) {
            XCTAssertGreaterThanOrEqual(level, 2, "\(detected) kernels on a CPU with AVX2 and FMA")
        }
        // The user's choice stands, also where it is plainer than the CPU allows.
        XCTAssertEqual(try cores("chosen", ["OPENBLAS_CORETYPE": "Prescott"]), "Prescott")
        // Where OpenBLAS fell back (as it does on the newest Xeons; stood in for here, since on
        // most machines it does not), aelab runs on the CPU's best family.
        if BLASKernel.choosesAtLoad, let best = BLASKernel.best(forCPUFlags: BLASKernel.cpuFlags()) {
            XCTAssertEqual(try cores("fallback", ["OPENBLAS_CORETYPE": nil, "AELAB_ASSUME_BLAS_CORE": "Prescott"]), best)
            XCTAssertEqual(try cores("fallback-unknown", ["OPENBLAS_CORETYPE": nil, "AELAB_ASSUME_BLAS_CORE": "Nehalem"]), best)
        }
        // A name OpenBLAS does not know is used as it is, with a warning.
        let unknown = try CLI.run(["--help"], environment: ["OPENBLAS_CORETYPE": "NoSuchFamily"])
        XCTAssertEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("aelab: warning: OPENBLAS_CORETYPE=NoSuchFamily, but OpenBLAS loaded its"), unknown.stderr)
    }

    /// The build a run file names: "0.1.0 (COMMIT)", COMMIT being the checkout's commit when the
    /// binary was built ("-dirty" with uncommitted changes to tracked files).
    func build() throws -> String {
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "-C", package.path, "rev-parse", "--short=7", "HEAD"]
        let out = Pipe()
        git.standardOutput = out
        git.standardError = FileHandle.nullDevice
        try git.run()
        git.waitUntilExit()
        let head = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return git.terminationStatus == 0 ? head : "unknown"
    }

    /// A run continued from a file records every family and every build that trained it, and
    /// "unrecorded" for epochs trained by a build that did not record its family.
    func testContinuedRunAddsItsKernelFamilyToTheEarlierOnes() throws {
        try skipWithoutMNIST()
        let folder = try CLI.temporaryFolder()
        let spec = try writeSpec(folder, "kernels.json", tinySpec(name: "kernels", epochs: 1))
        let file = folder.appendingPathComponent("kernels/runs/ae-z2-d0.25-s1.h5").path
        let family = (ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].map { _ in BLASKernel.current })
            ?? BLASKernel.replacement(for: BLASKernel.current, cpuFlags: BLASKernel.cpuFlags()) ?? BLASKernel.current
        for (earlier, expected) in [("", "unrecorded,\(family)"), ("OtherFamily", "OtherFamily,\(family)"), (family, family)] {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent("kernels"))
            let first = try CLI.run(["run", spec, "--results", folder.path, "--only", "ae-z2-*"])
            XCTAssertEqual(first.status, 0, first.stderr)
            var record = try RunFile.read(file)
            XCTAssertEqual(record.attributes.blasCores, family)
            record.attributes.blasCores = earlier
            try RunFile.write(record, to: file)
            let more = try CLI.run(["run", spec, "--results", folder.path, "--only", "ae-z2-*", "--set", "training.epochs=2"])
            XCTAssertEqual(more.status, 0, more.stderr)
            XCTAssertTrue(more.stdout.contains("continuing, to more epochs, after epoch 1"), more.stdout)
            XCTAssertEqual(try RunFile.read(file, parts: .summary).attributes.blasCores, expected, "earlier: '\(earlier)'")
        }
        // The builds: this one, after the one that trained the first epoch (here: a build that
        // recorded no commit); each appears once.
        let built = try RunFile.read(file, parts: .summary).attributes.aelabVersion
        let commit = try build()
        XCTAssertNotNil(built.range(of: "^0\\.1\\.0 \\(\(commit)(-dirty)?\\)$", options: .regularExpression), built)
        var record = try RunFile.read(file)
        record.attributes.aelabVersion = "0.1.0"
        try RunFile.write(record, to: file)
        let more = try CLI.run(["run", spec, "--results", folder.path, "--only", "ae-z2-*", "--set", "training.epochs=3"])
        XCTAssertEqual(more.status, 0, more.stderr)
        XCTAssertEqual(try RunFile.read(file, parts: .summary).attributes.aelabVersion, "0.1.0," + built)
    }

    /// `aelab evaluate` on a stored run: with the run's own settings it gives the run's Parzen
    /// value again (the same weights, the same "generate" stream); with others it replaces
    /// /eval/parzen and nothing else, and adds its kernel family and its build to the file's.
    func testEvaluateReproducesTheStoredParzenValueAndReplacesOnlyTheEvaluation() throws {
        try skipWithoutMNIST()
        let folder = try CLI.temporaryFolder()
        let spec = try writeSpec(folder, "again.json", tinySpec(name: "again", epochs: 1))
        let trained = try CLI.run(["run", spec, "--results", folder.path, "--only", "aae-z2-*", "--threads", "1"])
        XCTAssertEqual(trained.status, 0, trained.stderr)
        let file = folder.appendingPathComponent("again/runs/aae-z2-d0.25-s1.h5").path
        let before = try RunFile.read(file)
        let stored = try XCTUnwrap(before.parzen)
        XCTAssertEqual(stored.generatedSamples, 200)

        let same = try CLI.run(["evaluate", file, "--threads", "1"])
        XCTAssertEqual(same.status, 0, same.stderr)
        XCTAssertTrue(same.stdout.contains(String(format: "%.2f ± %.2f nats", stored.logLikelihood, stored.standardError)), same.stdout)
        let again = try RunFile.read(file)
        XCTAssertEqual(again.parzen?.logLikelihood ?? .nan, stored.logLikelihood, accuracy: 1e-9 * abs(stored.logLikelihood))
        XCTAssertEqual(again.parzen?.sigma, stored.sigma)
        XCTAssertEqual(again.attributes.blasCores, before.attributes.blasCores, "the same family is not listed twice")
        XCTAssertEqual(again.attributes.aelabVersion, before.attributes.aelabVersion, "the same build is not listed twice")

        // Other settings: a new estimate from 300 samples on a 5-value grid; weights, losses and
        // the other evaluations stay; a file from a build that did not record kernels gets
        // "unrecorded" before this process's family, and one trained by another build keeps it
        // before this one.
        var unrecorded = again
        unrecorded.attributes.blasCores = ""
        unrecorded.attributes.aelabVersion = "0.0.9 (0123abc)"
        try RunFile.write(unrecorded, to: file)
        let other = try CLI.run(["evaluate", file, "--samples", "300", "--sigma-grid", "0.1:1:5", "--threads", "1"])
        XCTAssertEqual(other.status, 0, other.stderr)
        let after = try RunFile.read(file)
        let parzen = try XCTUnwrap(after.parzen)
        XCTAssertEqual(parzen.generatedSamples, 300)
        XCTAssertEqual(parzen.sigmaGrid.count, 5)
        XCTAssertEqual(parzen.sigmaGrid.first ?? 0, 0.1, accuracy: 1e-12)
        XCTAssertEqual(parzen.sigmaGrid.last ?? 0, 1, accuracy: 1e-12)
        XCTAssertTrue(parzen.sigmaGrid.contains(parzen.sigma))
        XCTAssertNotEqual(parzen.logLikelihood, stored.logLikelihood)
        XCTAssertEqual(after.networks, before.networks)
        XCTAssertEqual(after.trainMetrics, before.trainMetrics)
        XCTAssertEqual(after.validationMetrics, before.validationMetrics)
        XCTAssertEqual(after.evaluations, before.evaluations)
        XCTAssertEqual(after.attributes.blasCores, "unrecorded," + before.attributes.blasCores)
        XCTAssertEqual(after.attributes.aelabVersion, "0.0.9 (0123abc)," + before.attributes.aelabVersion)

        // Bad input: one line naming the file or the option, a non-zero exit, the file untouched.
        let missing = try CLI.run(["evaluate", folder.appendingPathComponent("none.h5").path])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("none.h5"), missing.stderr)
        let badGrid = try CLI.run(["evaluate", file, "--sigma-grid", "1:0.1:5"])
        XCTAssertNotEqual(badGrid.status, 0)
        XCTAssertTrue(badGrid.stderr.contains("--sigma-grid 1:0.1:5: MAX (0.1) must exceed MIN (1)"), badGrid.stderr)
        XCTAssertEqual(try RunFile.read(file).parzen, parzen)
    }

    /// --only: the runs matching its patterns, also when handed to workers; a pattern matching no
    /// run of the spec is one line naming the spec and the pattern, and nothing is written.
    func testOnlyTrainsTheMatchingRunsAndRejectsAPatternMatchingNone() throws {
        try skipWithoutMNIST()
        let folder = try CLI.temporaryFolder()
        let spec = try writeSpec(folder, "only.json", tinySpec(name: "only", epochs: 1))
        let none = try CLI.run(["run", spec, "--results", folder.path, "--only", "aae-z2-d0.25-s1,gan-*"])
        XCTAssertNotEqual(none.status, 0)
        XCTAssertEqual(none.stderr.split(separator: "\n").count, 1, none.stderr)
        XCTAssertTrue(none.stderr.contains("only.json") && none.stderr.contains("'gan-*'"), none.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("only").path))

        XCTAssertEqual(try CLI.run(["run", spec, "--results", folder.path, "--dry-run"]).status, 0)
        let plan = folder.appendingPathComponent("only/plan.json").path
        XCTAssertFalse(FileManager.default.fileExists(atPath: plan), "a dry run writes no plan")
        let r = try CLI.run(["run", spec, "--results", folder.path, "--only", "aae-*", "--jobs", "2", "--threads", "1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("2 runs, 2 at a time in worker processes"), r.stdout)
        XCTAssertEqual(runFiles(folder, "only"), ["aae-z2-d0.25-s1.h5", "aae-z3-d0.25-s1.h5"])
        XCTAssertEqual(try PlannedRuns.read(plan)?.map(\.attributes.runID).sorted(),
                       ["aae-z2-d0.25-s1", "aae-z3-d0.25-s1", "ae-z2-d0.25-s1", "ae-z3-d0.25-s1"], "the plan is the whole sweep, whatever --only picks")
        // The table after it lists the spec's other runs as not started, their cells as unfinished.
        XCTAssertTrue(r.stdout.contains("2 runs are not started (planned by the last aelab run, plan.json) and in no cell: ae-z2-d0.25-s1, ae-z3-d0.25-s1\n"), r.stdout)
        XCTAssertNotNil(r.stdout.range(of: #"\nae +not started +not started\n"#, options: .regularExpression), r.stdout)
        let dry = try CLI.run(["run", spec, "--results", folder.path, "--only", "ae-z3-d0.25-s1", "--dry-run"])
        XCTAssertEqual(dry.stdout.split(separator: "\n").first.map(String.init), "ae-z3-d0.25-s1  pending  (1 epochs)", dry.stdout)
        XCTAssertTrue(dry.stdout.contains("1 run of 4 selected"), dry.stdout)
    }

    /// A run whose loss diverges is stored as failed with its reason; the sweep goes on.
    func testDivergingRunIsRecordedAsFailedAndTheSweepGoesOn() throws {
        try skipWithoutMNIST()
        let folder = try CLI.temporaryFolder()
        let spec = try writeSpec(folder, "nan.json", """
            {"name": "nan", "models": ["ae", "vae"], "latent_dim": 2,
             "dataset": {"name": "mnist", "validation_size": 200, "train_limit": 500},
             "network": {"hidden": [32]}, "training": {"epochs": 2},
             "model_options": {"ae": {"learning_rate": {"reconstruction": 1e30}}},
             "evaluation": {"parzen": {"generated_samples": 200, "test_points": 100, "validation_points": 100},
                            "importance_sampling": {"samples": 10, "test_points": 10},
                            "manifold_size": 5, "manifold_range": 10}}
            """)
        let r = try CLI.run(["run", spec, "--results", folder.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("1 complete, 1 failed"), r.stdout)
        let failed = try RunFile.read(folder.appendingPathComponent("nan/runs/ae-z2-d0-s1.h5").path)
        XCTAssertEqual(failed.attributes.status, .failed)
        XCTAssertTrue(failed.attributes.failure.contains("diverged at epoch"), failed.attributes.failure)
        let vae = try RunFile.read(folder.appendingPathComponent("nan/runs/vae-z2-d0-s1.h5").path)
        XCTAssertEqual(vae.attributes.status, .complete)
        XCTAssertNotNil(vae.evaluations["importance_sampling"]?["log_likelihood"])
        // The manifold on request: a 5 × 5 grid over [−10, 10]².
        XCTAssertEqual(vae.figures["manifold_axis"]?.scalars, [-10, -5, 0, 5, 10])
        XCTAssertEqual(vae.figures["manifold"]?.shape, [25, 784])
        // compare shows the failure; CSV and JSON parse.
        let table = try CLI.run(["compare", folder.appendingPathComponent("nan").path])
        XCTAssertTrue(table.stdout.contains("failed: diverged at epoch"), table.stdout)
        let json = try CLI.run(["compare", folder.appendingPathComponent("nan").path, "--format", "json"])
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)))
        let csv = try CLI.run(["compare", folder.appendingPathComponent("nan").path, "--format", "csv"])
        XCTAssertEqual(csv.stdout.split(separator: "\n").count, 1 + 4)   // header, 2 runs, 2 baselines
    }

    /// An unusable checkpoint stops that run only: it is reported as failed, moved aside, and the
    /// sweep goes on; the next invocation starts the run afresh and completes it.
    func testUnusableCheckpointFailsThatRunOnly() throws {
        try skipWithoutMNIST()
        let folder = try CLI.temporaryFolder()
        let spec = try writeSpec(folder, "bad.json", tinySpec(name: "badckpt", epochs: 1))
        let checkpoints = folder.appendingPathComponent("badckpt/checkpoints")
        try FileManager.default.createDirectory(at: checkpoints, withIntermediateDirectories: true)
        try Data("not an HDF5 file".utf8).write(to: checkpoints.appendingPathComponent("ae-z2-d0.25-s1.h5"))
        let first = try CLI.run(["run", spec, "--results", folder.path])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("3 complete, 1 failed"), first.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: checkpoints.appendingPathComponent("ae-z2-d0.25-s1.h5.unusable").path))
        let second = try CLI.run(["run", spec, "--results", folder.path])
        XCTAssertTrue(second.stdout.contains("1 complete, 0 failed, 3 skipped"), second.stdout)
        XCTAssertEqual(runFiles(folder, "badckpt").count, 4)
    }

    /// A temporary left by a killed writer (its process gone) is removed by the next run;
    /// one of a live process is kept.
    func testStaleTemporariesAreRemoved() throws {
        try skipWithoutMNIST()
        let folder = try CLI.temporaryFolder()
        let spec = try writeSpec(folder, "tmp.json", tinySpec(name: "tmp", epochs: 1))
        let runs = folder.appendingPathComponent("tmp/runs")
        try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
        let stale = runs.appendingPathComponent(".ae-z2-d0.25-s1.h5.tmp-999999999-abc")
        let live = runs.appendingPathComponent(".ae-z3-d0.25-s1.h5.tmp-\(getpid())-abc")
        try Data(count: 2_000_000).write(to: stale)
        try Data(count: 10).write(to: live)
        let r = try CLI.run(["run", spec, "--results", folder.path, "--dry-run"])
        XCTAssertEqual(r.status, 0)
        _ = try CLI.run(["run", spec, "--results", folder.path])
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale.path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: live.path))
    }
}
