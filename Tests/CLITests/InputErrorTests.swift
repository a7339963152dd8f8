import Foundation
import TensorCore
import XCTest

/// Mistakes on the command line, and files that are not what a command expects: one clear line
/// (ArgumentParser adds its usage line to a flag's error), a non-zero exit, no crash.
final class InputErrorTests: XCTestCase {
    func assertFails(_ arguments: [String], saying fragment: String, environment: [String: String?] = [:],
                     file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try CLI.run(arguments, environment: environment)
        XCTAssertNotEqual(r.status, 0, "\(arguments): exit status", file: file, line: line)
        XCTAssertTrue(r.stderr.contains(fragment), "\(arguments): \(r.stderr)", file: file, line: line)
        XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("Backtrace"), "\(arguments): crashed", file: file, line: line)
    }

    /// Checked before any data is loaded: a VAE without its Gaussian head used to stop at its
    /// first batch with a precondition failure.
    func testTrainRefusesAVAEWithoutItsGaussianHead() throws {
        try assertFails(["train", "--model", "vae", "--head", "deterministic"], saying: "--head deterministic: vae needs the gaussian head")
        try assertFails(["train", "--model", "cvae", "--head", "deterministic"], saying: "cvae needs the gaussian head")
        try assertFails(["train", "--threads", "0"], saying: "--threads must be at least 1, got 0")
    }

    /// A negative number is a value, not an option: it reaches the command's own check, where
    /// ArgumentParser's default strategy said "Missing value for '--jobs <jobs>'".
    func testNegativeNumbersGetTheCommandsOwnMessage() throws {
        let folder = try CLI.temporaryFolder()
        let spec = folder.appendingPathComponent("n.json").path
        try #"{"name": "n", "models": ["ae"]}"#.write(toFile: spec, atomically: true, encoding: .utf8)
        try assertFails(["run", spec, "--jobs", "-1", "--dry-run"], saying: "--jobs must be at least 1, got -1")
        try assertFails(["run", spec, "--threads", "-2", "--dry-run"], saying: "--threads must be at least 1, got -2")
        try assertFails(["slurm", spec, "--cpus", "-1"], saying: "--cpus must be at least 1, got -1")
        try assertFails(["evaluate", spec, "--samples", "-5"], saying: "--samples must be at least 1, got -5")
        for (flag, value, message) in [("--dropout", "-0.1", "--dropout must be in [0, 1), got -0.1"),
                                       ("--latent", "-3", "--latent must be at least 1, got -3"),
                                       ("--learning-rate", "-1e-3", "--learning-rate must be positive and finite, got -0.001"),
                                       ("--prior-std", "inf", "--prior-std must be positive and finite, got inf"),
                                       ("--regularization-learning-rate", "0", "--regularization-learning-rate must be positive and finite, got 0.0"),
                                       ("--beta1", "1", "--beta1 must be in [0, 1), got 1.0"),
                                       ("--train-limit", "0", "--train-limit must be at least 1, got 0"),
                                       ("--validation-size", "-1", "--validation-size must be at least 0, got -1")] {
            try assertFails(["train", flag, value], saying: message)
        }
    }

    /// A spec that cannot fit in memory is refused with its estimate before anything is
    /// written, on a dry run too (before, it was killed by the kernel once it allocated).
    func testRunRefusesASpecThatCannotFitInMemory() throws {
        let folder = try CLI.temporaryFolder()
        let spec = folder.appendingPathComponent("huge.json").path
        try #"{"name": "huge", "models": ["ae"], "network": {"hidden": [200000, 200000]}}"#.write(toFile: spec, atomically: true, encoding: .utf8)
        let results = folder.appendingPathComponent("results").path
        for extra in [[], ["--dry-run"]] {
            try assertFails(["run", spec, "--results", results] + extra, saying: "huge.json: ae-z8-d0-s1 needs about ")
        }
        let r = try CLI.run(["run", spec, "--results", results])
        XCTAssertTrue(r.stderr.contains("GiB (weights with gradients and Adam moments "), r.stderr)
        XCTAssertTrue(r.stderr.contains("make its networks or its batch smaller"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: results), "nothing written")
    }

    func testShardsAreIOfN() throws {
        let folder = try CLI.temporaryFolder()
        let spec = folder.appendingPathComponent("s.json").path
        try #"{"name": "s", "models": ["ae"]}"#.write(toFile: spec, atomically: true, encoding: .utf8)
        for shard in ["3/2", "0/2", "2", "a/b", "-1/2"] {
            try assertFails(["run", spec, "--shard", shard, "--dry-run"], saying: "--shard \(shard): expected I/N with 1 ≤ I ≤ N, e.g. 2/4")
        }
        let ok = try CLI.run(["run", spec, "--shard", "1/1", "--dry-run", "--results", folder.path])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(ok.stdout.contains("1 run of 1 selected"), ok.stdout)
    }

    func testCompareAndReportNameAFolderThatIsNotOne() throws {
        let folder = try CLI.temporaryFolder()
        let file = folder.appendingPathComponent("run.h5").path
        try Data("not a run".utf8).write(to: URL(fileURLWithPath: file))
        for command in ["compare", "report"] {
            try assertFails([command, folder.path + "/nowhere"], saying: "nowhere: no such folder; expected an experiment's results folder (RESULTS/NAME)")
            try assertFails([command, file], saying: "run.h5: is a file; expected an experiment's results folder (RESULTS/NAME) (for one run file: aelab inspect)")
        }
        // A results folder without a single run file: nothing to report, as nothing to compare.
        let empty = folder.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty.appendingPathComponent("runs"), withIntermediateDirectories: true)
        try assertFails(["report", empty.path], saying: "no run files under runs/ or baselines/")
        XCTAssertFalse(FileManager.default.fileExists(atPath: empty.appendingPathComponent("report").path))
        // An unreadable run file: the report is written without it, and says so on the terminal.
        try Data("not a run".utf8).write(to: empty.appendingPathComponent("runs/ae-z2-d0-s1.h5"))
        let r = try CLI.run(["report", empty.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("warning: skipping ") && r.stderr.contains("ae-z2-d0-s1.h5"), r.stderr)
    }

    /// A dry run says what a real run would trip on: a run file it cannot read (retrained), and a
    /// dataset it cannot find.
    func testDryRunNamesAnUnreadableRunFileAndAMissingDataset() throws {
        let folder = try CLI.temporaryFolder()
        let spec = folder.appendingPathComponent("d.json").path
        try #"{"name": "d", "models": ["ae"], "sweep": {"seed": [1, 2]}}"#.write(toFile: spec, atomically: true, encoding: .utf8)
        let runs = folder.appendingPathComponent("results/d/runs")
        try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
        try Data(repeating: 0x89, count: 100).write(to: runs.appendingPathComponent("ae-z8-d0-s2.h5"))
        // Searched: AELAB_DATA, ./data, the cache folder, /usr/share/datasets; all but the last here.
        let r = try CLI.run(["run", spec, "--results", folder.appendingPathComponent("results").path, "--dry-run"],
                            environment: ["AELAB_DATA": folder.path, "XDG_CACHE_HOME": folder.path, "HOME": folder.path],
                            directory: folder)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("ae-z8-d0-s1  pending  (20 epochs)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("ae-z8-d0-s2  pending: its run file is unreadable ("), r.stdout)
        XCTAssertTrue(r.stdout.contains("training again replaces it"), r.stdout)
        if !FileManager.default.fileExists(atPath: "/usr/share/datasets/mnist") {
            XCTAssertTrue(r.stderr.contains("warning: dataset 'mnist' not found") && r.stderr.contains("the runs above that train would fail"), r.stderr)
        }
    }

    func testEvaluateChecksItsFlagsFirst() throws {
        try assertFails(["evaluate", "x.h5", "--samples", "0"], saying: "--samples must be at least 1, got 0")
        try assertFails(["evaluate", "x.h5", "--threads", "0"], saying: "--threads must be at least 1, got 0")
        try assertFails(["evaluate", "x.h5", "--sigma-grid", "1:0.1:5"], saying: "--sigma-grid 1:0.1:5: MAX (0.1) must exceed MIN (1)")
        try assertFails(["evaluate", "x.h5", "--sigma-grid", "0:1:5"], saying: "MIN must be positive")
        try assertFails(["evaluate", "x.h5", "--sigma-grid", "-1,2"], saying: "list of positive, finite numbers, got '-1,2'")
        try assertFails(["evaluate", "x.h5", "--sigma-grid", "0.1,inf"], saying: "list of positive, finite numbers, got '0.1,inf'")
        try assertFails(["evaluate", "x.h5", "--sigma-grid", "0.1:inf:5"], saying: "--sigma-grid 0.1:inf:5: MAX must be finite")
        try assertFails(["evaluate", "x.h5", "--sigma-grid", "0.1:1:x"], saying: "expected MIN:MAX:COUNT")
        try assertFails(["inspect", "x.h5", "--spec", "--epochs"], saying: "--spec and --epochs print different things")
    }
}

/// `aelab info`: what a run started now would record.
final class InfoCommandTests: XCTestCase {
    func testInfoNamesTheBuildTheKernelsAndTheDatasets() throws {
        let r = try CLI.run(["info"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertNotNil(lines.first?.range(of: #"^aelab +\d+\.\d+\.\d+ \(([0-9a-f]{7,}(-dirty)?|unknown)\)$"#, options: .regularExpression), r.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("OpenBLAS   OpenBLAS ") }, r.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("dataset    mnist: ") }, r.stdout)
        // --blas-kernel is the family alone, the one the full listing names, and what a chosen
        // OPENBLAS_CORETYPE makes it.
        let kernel = try CLI.run(["info", "--blas-kernel"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertFalse(kernel.isEmpty || kernel.contains(" "), kernel)
        XCTAssertTrue(lines.contains { $0.hasPrefix("kernels    \(kernel) (") }, r.stdout)
        let chosen = try CLI.run(["info"], environment: ["OPENBLAS_CORETYPE": "Haswell"])
        XCTAssertTrue(chosen.stdout.contains("kernels    Haswell (OPENBLAS_CORETYPE=Haswell)"), chosen.stdout)
        // Where OpenBLAS falls back (stood in for by AELAB_ASSUME_BLAS_CORE), aelab says so.
        if BLASKernel.choosesAtLoad, let best = BLASKernel.best(forCPUFlags: BLASKernel.cpuFlags()) {
            let fallback = try CLI.run(["info"], environment: ["OPENBLAS_CORETYPE": nil, "AELAB_ASSUME_BLAS_CORE": "Prescott"])
            XCTAssertTrue(fallback.stdout.contains("kernels    \(best) (chosen by aelab: OpenBLAS alone loads its Prescott kernels on this CPU)"),
                          fallback.stdout)
        }
    }
}
