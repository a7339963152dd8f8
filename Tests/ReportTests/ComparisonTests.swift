import Foundation
import Report
import ResultStore
import XCTest

final class ComparisonTests: XCTestCase {
    func summary(_ model: String, z: Int, d: Double, seed: Int = 1, ll: Double?, se: Double = 2,
                 failure: String = "", spec: String = "{}", unfinished: Bool = false, epochs: Int = 2) -> RunSummary {
        var a = RunAttributes(experiment: "x", runID: "\(model)-z\(z)-d\(d)-s\(seed)", model: model, latentDim: z,
                              dropout: d, seed: seed, dataset: "mnist", status: unfinished ? .running : ll == nil ? .failed : .complete,
                              failure: failure, spec: spec, started: "", aelabVersion: "test",
                              blasCores: z == 2 ? "Prescott,Cooperlake" : "Haswell")
        a.finished = ""
        var record = RunRecord(attributes: a, trainMetrics: ["seconds": Array(repeating: 60, count: epochs)],
                               validationMetrics: ["reconstruction": Array([90, 80].suffix(epochs))])
        if let ll {
            record.parzen = ParzenRecord(logLikelihood: ll, standardError: se, sigma: 0.2, generatedSamples: 10, testPoints: 10,
                                         sigmaGrid: [0.2], sigmaValidationLL: [ll], testLL: [ll])
        }
        return RunSummary(record)
    }

    func testCellsBestMarksSeedsAndFailures() throws {
        let runs = [summary("ae", z: 8, d: 0, ll: 200), summary("aae", z: 8, d: 0, ll: 330), summary("aae", z: 8, d: 0, seed: 2, ll: 340),
                    summary("vae", z: 2, d: 0, ll: nil, failure: "diverged at epoch 3"), summary("ae", z: 2, d: 0, ll: 150)]
        let table = ComparisonTable(dataset: "mnist", runs: runs, modelOrder: ["ae", "vae", "aae"])
        XCTAssertEqual(table.models, ["ae", "vae", "aae"])
        XCTAssertEqual(table.columns.map(\.label), ["z=2 d=0", "z=8 d=0"])
        let aae = table.cells["aae"]![1]!
        XCTAssertEqual(aae.mean, 335)
        XCTAssertEqual(aae.seeds, 2)
        XCTAssertEqual(aae.seedSpread!, (50.0).squareRoot(), accuracy: 1e-9)
        // Two seeds: ± combines the test points' 2 with the seeds' sd/√2 = 5: √(4 + 25).
        XCTAssertEqual(aae.standardError, 2)
        XCTAssertEqual(aae.shownError!, (29.0).squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(table.cells["ae"]![1]!.shownError, 2)      // one seed: the test points' error
        XCTAssertTrue(aae.isBest)
        XCTAssertFalse(table.cells["ae"]![1]!.isBest)
        XCTAssertTrue(table.cells["ae"]![0]!.isBest)            // the failed VAE cannot be best
        XCTAssertNil(table.cells["vae"]![0]!.mean)
        XCTAssertEqual(table.cells["vae"]![0]!.failures, ["vae-z2-d0.0-s1: diverged at epoch 3"])
        XCTAssertNil(table.cells["vae"]![1])
        XCTAssertEqual(table.references.first?.name, "DBN")

        let comparison = Comparison(experiment: "x", runs: runs, modelOrder: ["ae", "vae", "aae"])
        let text = try comparison.render(.table)
        XCTAssertTrue(text.contains("*335.0 ± 5.4 [sd 7.1 over 2 seeds]"), text)
        XCTAssertTrue(text.contains("* best of its column; 2 epochs)"), text)   // every run trained 2 epochs
        XCTAssertTrue(text.contains("AAE (paper) (Makhzani et al. 2015)  340.0 ± 2.0"), text)
        XCTAssertTrue(text.contains("failed: diverged at epoch 3"), text)
        let markdown = try comparison.render(.markdown)
        XCTAssertTrue(markdown.contains("| model"), markdown)
        // Two columns: the published values are a table of their own, one value per row, not
        // cells of the first column.
        XCTAssertNotNil(markdown.range(of: #"\n\| AAE \(paper\) \(Makhzani et al\. 2015\) +\| 340\.0 ± 2\.0 +\|\n"#,
                                       options: .regularExpression), markdown)
        XCTAssertNotNil(markdown.range(of: #"\n\| reference +\| Parzen LL +\|\n"#, options: .regularExpression), markdown)

        let csv = try comparison.render(.csv).split(separator: "\n")
        XCTAssertEqual(csv.count, 1 + runs.count)
        XCTAssertEqual(csv[0].split(separator: ",").count, 20)
        XCTAssertTrue(csv[0].hasSuffix(",blas_cores,reconstruction_cost,builds,code_radius_ratio,planned_epochs"), String(csv[0]))
        // One family as it is; a list of them quoted, being comma-joined.
        XCTAssertTrue(csv.contains { $0.hasPrefix("aae-z8-d0.0-s1,") && $0.hasSuffix(",Haswell,bce,test,,") }, csv.joined(separator: "\n"))
        XCTAssertTrue(csv.contains { $0.hasPrefix("ae-z2-d0.0-s1,") && $0.hasSuffix(#","Prescott,Cooperlake",bce,test,,"#) }, csv.joined(separator: "\n"))
        let json = try JSONSerialization.jsonObject(with: Data(try comparison.render(.json).utf8)) as! [String: Any]
        XCTAssertEqual((json["runs"] as! [Any]).count, runs.count)
    }

    /// A WAE's validation reconstruction is its squared error: the tables name that unit, so it
    /// is not read against the others' nats.
    func testReconstructionsOfOtherCostsAreNamed() throws {
        let wae = summary("wae-gan", z: 8, d: 0, ll: 250, spec: #"{"reconstruction": "mse", "learning_rate": {"reconstruction": 0.001}}"#)
        let l1 = summary("ae", z: 8, d: 0.5, ll: 200, spec: #"{"reconstruction" : "l1"}"#)
        let ae = summary("ae", z: 8, d: 0, ll: 240, spec: #"{"learning_rate": {"reconstruction": 0.001}}"#)
        XCTAssertEqual([wae, l1, ae].map(\.reconstructionCost), ["mse", "l1", "bce"])
        let comparison = Comparison(experiment: "x", runs: [wae, l1, ae], modelOrder: ["ae", "wae-gan"])
        let markdown = try comparison.render(.markdown)
        XCTAssertTrue(markdown.contains("| 80.00 (squared error) "), markdown)
        XCTAssertTrue(markdown.contains("| 80.00 (absolute error) "), markdown)
        XCTAssertNotNil(markdown.range(of: #"\| ae-z8-d0\.0-s1 +\| complete +\| 2 +\| 2m00s +\| 80\.00 +\|"#, options: .regularExpression), markdown)
        let csv = try comparison.render(.csv).split(separator: "\n")
        XCTAssertTrue(csv.contains { $0.hasPrefix("wae-gan-z8-d0.0-s1,") && $0.hasSuffix(",mse,test,,") }, csv.joined(separator: "\n"))
        let json = try JSONSerialization.jsonObject(with: Data(try comparison.render(.json).utf8)) as! [String: Any]
        let first = (json["runs"] as! [[String: Any]]).first { $0["runID"] as? String == "wae-gan-z8-d0.0-s1" }
        XCTAssertEqual(first?["reconstructionCost"] as? String, "mse")
    }

    /// A run still a checkpoint (training, or interrupted) is in no cell: a cell with some of its
    /// seeds unfinished says so beside its mean, one with only unfinished runs says "unfinished"
    /// (not "failed"), and the tables list each with its epochs against the spec's.
    func testUnfinishedRunsAreListedAndInNoCell() throws {
        let planned = #"{"training": {"epochs": 200, "batch_size": 100}}"#
        let runs = [summary("aae", z: 8, d: 0, ll: 220, spec: planned), summary("ae", z: 8, d: 0, ll: 200, spec: planned),
                    summary("aae", z: 8, d: 0, seed: 2, ll: nil, spec: planned, unfinished: true, epochs: 5),
                    summary("aae", z: 8, d: 0.2, ll: nil, spec: planned, unfinished: true, epochs: 1)]
        XCTAssertEqual(runs.map(\.status), ["complete", "complete", "unfinished", "unfinished"])
        XCTAssertEqual(runs.map(\.plannedEpochs), [200, 200, 200, 200])
        let table = ComparisonTable(dataset: "mnist", runs: runs, modelOrder: ["ae", "aae"])
        let cell = try XCTUnwrap(table.cells["aae"]?[0])
        XCTAssertEqual(cell.mean, 220)
        XCTAssertEqual(cell.seeds, 1)
        XCTAssertNil(cell.seedSpread)
        XCTAssertEqual(cell.unfinished, 1)
        XCTAssertTrue(cell.isBest)
        let waiting = try XCTUnwrap(table.cells["aae"]?[1])
        XCTAssertNil(waiting.mean)
        XCTAssertEqual(waiting.failures, [])
        XCTAssertEqual(waiting.unfinished, 1)
        XCTAssertNil(table.cells["ae"]?[1] ?? nil)

        let comparison = Comparison(experiment: "x", runs: runs, modelOrder: ["ae", "aae"])
        let text = try comparison.render(.table)
        XCTAssertTrue(text.contains("* best of its column; 2 epochs)"), "the checkpoints' epochs are not the table's: \(text)")
        XCTAssertNotNil(text.range(of: #"\naae +\*220\.0 ± 2\.0 \[\+1 unfinished\] +unfinished\n"#, options: .regularExpression), text)
        XCTAssertTrue(text.contains("2 runs are unfinished (a checkpoint: training, interrupted, or kept from another configuration) and in no cell: "
                                    + "aae-z8-d0.0-s2 after epoch 5 of 200, aae-z8-d0.2-s1 after epoch 1 of 200"), text)
        XCTAssertNotNil(text.range(of: #"\naae-z8-d0\.0-s2 +unfinished +5 of 200 +5m00s "#, options: .regularExpression), text)
        XCTAssertFalse(text.contains("failed"), text)
        let csv = try comparison.render(.csv).split(separator: "\n")
        XCTAssertTrue(csv.contains { $0.hasPrefix("aae-z8-d0.0-s2,aae,mnist,8,0.0,2,unfinished,,5,300.0,") && $0.hasSuffix(",200") },
                      csv.joined(separator: "\n"))
    }

    /// A run planned (plan.json) but not started is a record without epochs: "not started", in no
    /// cell, counted with the unfinished ones beside a cell's mean, and named as such in the note.
    func testNotStartedRunsAreListedAndInNoCell() throws {
        let planned = #"{"training": {"epochs": 200}}"#
        let runs = [summary("aae", z: 8, d: 0, ll: 220, spec: planned),
                    summary("aae", z: 8, d: 0, seed: 2, ll: nil, spec: planned, unfinished: true, epochs: 0),
                    summary("aae", z: 8, d: 0.2, ll: nil, spec: planned, unfinished: true, epochs: 1)]
        XCTAssertEqual(runs.map(\.status), ["complete", "not started", "unfinished"])
        XCTAssertEqual(runs.map(\.isUnfinished), [false, true, true])
        let table = ComparisonTable(dataset: "mnist", runs: runs, modelOrder: ["aae"])
        XCTAssertEqual(table.cells["aae"]?[0]?.mean, 220)
        XCTAssertEqual(table.cells["aae"]?[0]?.seeds, 1)
        XCTAssertEqual(table.cells["aae"]?[0]?.unfinished, 1)
        let text = try Comparison(experiment: "x", runs: runs).render(.table)
        XCTAssertTrue(text.contains("1 run is unfinished (a checkpoint: training, interrupted, or kept from another configuration) and in no cell: "
                                    + "aae-z8-d0.2-s1 after epoch 1 of 200; 1 run is not started (planned by the last aelab run, plan.json): aae-z8-d0.0-s2\n"), text)
        XCTAssertNotNil(text.range(of: #"\naae-z8-d0\.0-s2 +not started +0 of 200 "#, options: .regularExpression), text)
        let onlyPlanned = try Comparison(experiment: "x", runs: Array(runs.prefix(2))).render(.markdown)
        XCTAssertTrue(onlyPlanned.contains("1 run is not started (planned by the last aelab run, plan.json) and in no cell: aae-z8-d0.0-s2\n"),
                      onlyPlanned)
        let csv = try Comparison(experiment: "x", runs: runs).render(.csv)
        XCTAssertTrue(csv.contains("\naae-z8-d0.0-s2,aae,mnist,8,0.0,2,not started,,0,0.0,"), csv)
    }
}
