import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Report
import ResultStore
import TensorCore
import XCTest

final class ReportFolderTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("aelab-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func testEverySVGParsesAndTheHTMLReferencesOnlyFilesThatExist() throws {
        let index = try writeReport(experiment: "synthetic", records: SyntheticRuns.experiment,
                                    to: folder.appendingPathComponent("report").path)
        let report = folder.appendingPathComponent("report")
        XCTAssertEqual(index, report.appendingPathComponent("index.html").path)
        let html = try String(contentsOfFile: index, encoding: .utf8)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertFalse(html.contains("<script"), "no scripts")
        XCTAssertFalse(html.contains("http://") || html.contains("https://"), "nothing from the network")

        let references = Set(matches(of: ##"(?:src|href)="([^"#][^"]*)""##, in: html))
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: report.appendingPathComponent("figures").path).map { "figures/" + $0 })
        XCTAssertEqual(references, files, "every figure is shown, and every link has its file")
        XCTAssertTrue(files.contains("figures/aae-z2-d0-s1-manifold.png"))
        XCTAssertFalse(files.contains("figures/aae-z8-d0-s1-manifold.png"), "no manifold for 8-D codes")
        XCTAssertTrue(files.contains("figures/aae-z8-d0-s1-latent.svg"))
        XCTAssertTrue(files.contains("figures/parzen-mnist.svg"))
        XCTAssertEqual(files.filter { $0.hasPrefix("figures/vae-z8") }, ["figures/vae-z8-d0-s1-losses.svg"],
                       "the failed run shows the losses until it stopped")

        for file in files where file.hasSuffix(".svg") {
            let data = try Data(contentsOf: report.appendingPathComponent(file))
            let parser = XMLParser(data: data)
            let root = RootElement()
            parser.delegate = root
            XCTAssertTrue(parser.parse(), "\(file): \(parser.parserError.map(String.init(describing:)) ?? "")")
            XCTAssertEqual(root.name, "svg", file)
        }
        let anchors = Set(matches(of: ##"id="([^"]+)""##, in: html))
        for link in matches(of: ##"href="#([^"]+)""##, in: html) { XCTAssertTrue(anchors.contains(link), "#\(link) has a target") }
    }

    func testBestCellsAreBoldAndFailuresShown() throws {
        let index = try writeReport(experiment: "synthetic", records: SyntheticRuns.experiment, to: folder.appendingPathComponent("r").path)
        let html = try String(contentsOfFile: index, encoding: .utf8)
        XCTAssertTrue(html.contains("<strong>305.0 ± 2.1</strong>"))
        XCTAssertTrue(html.contains("<strong>331.0 ± 2.1</strong>"))
        XCTAssertTrue(html.contains("diverged at epoch 3"))
        XCTAssertTrue(html.contains("baseline: training images as samples"))
        XCTAssertTrue(html.contains("AAE (paper)"))
        XCTAssertLessThan(html.range(of: "class=\"comparison\"")!.lowerBound, html.range(of: "class=\"run\"")!.lowerBound,
                          "the comparison table comes first")
    }

    func testWritingAgainReplacesTheReportAndLeavesNoTemporaries() throws {
        let target = folder.appendingPathComponent("report").path
        try writeReport(experiment: "one", records: SyntheticRuns.experiment, to: target)
        try writeReport(experiment: "two", records: [SyntheticRuns.record(model: "ae", latent: 8, ll: 100)], to: target)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["report"])
        let figures = try FileManager.default.contentsOfDirectory(atPath: target + "/figures")
        XCTAssertFalse(figures.contains { $0.hasPrefix("aae") }, "figures of the old report are gone")
        XCTAssertTrue(try String(contentsOfFile: target + "/index.html", encoding: .utf8).contains("<h1>two</h1>"))
    }

    func testAnEmptyExperimentStillGivesAPage() throws {
        let index = try writeReport(experiment: "empty", records: [], to: folder.appendingPathComponent("report").path)
        XCTAssertTrue(try String(contentsOfFile: index, encoding: .utf8).contains("No run files yet."))
    }

    func testReportOfAResultsFolderReadsRunFilesAndListsUnreadableOnes() throws {
        let runs = folder.appendingPathComponent("runs")
        try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
        for record in SyntheticRuns.experiment.prefix(3) {
            try RunFile.write(record, to: runs.appendingPathComponent(record.attributes.runID + ".h5").path)
        }
        try Data("not HDF5".utf8).write(to: runs.appendingPathComponent("broken.h5"))
        try Data("partial".utf8).write(to: runs.appendingPathComponent(".aae.h5.tmp-1-2"))
        let index = try writeReport(resultsFolder: folder.path)
        XCTAssertEqual(index, folder.appendingPathComponent("report/index.html").path)
        let html = try String(contentsOfFile: index, encoding: .utf8)
        XCTAssertTrue(html.contains("<h1>synthetic</h1>"), "named after the runs' experiment")
        XCTAssertTrue(html.contains("broken.h5 was left out"))
        XCTAssertFalse(html.contains("tmp-1-2"), "temporaries of unfinished writes are not run files")
        let figures = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("report/figures").path)
        XCTAssertTrue(figures.contains("ae-z2-d0-s1-manifold.png"), "figures come through the run file: \(figures.sorted())")
        XCTAssertTrue(figures.contains("ae-z2-d0-s1-latent.svg"))
    }

    /// plan.json (the last aelab run's sweep): its runs with neither a run file nor a checkpoint
    /// are listed as not started, those with one are not listed twice; a damaged plan is a warning
    /// naming the file, listed at the top of the report, which is written without it.
    func testPlannedRunsWithoutFilesAreNotStarted() throws {
        let paths = RunPaths(folder: folder.path)
        try paths.makeFolders()
        for record in SyntheticRuns.experiment {
            try RunFile.write(record, to: (record.attributes.model.hasPrefix("baseline") ? paths.baselinesFolder : paths.runsFolder) + "/\(record.attributes.runID).h5")
        }
        let present = try XCTUnwrap(SyntheticRuns.experiment.first { !$0.attributes.model.hasPrefix("baseline") })
        var planned = SyntheticRuns.record(model: "aae", latent: 8, seed: 2, ll: nil)
        planned.attributes.spec = #"{"training": {"epochs": 12}}"#
        var training = SyntheticRuns.record(model: "vae", latent: 8, seed: 2, ll: nil, epochs: 3)
        training.attributes.status = .running
        try RunFile.write(training, to: paths.checkpoint(training.attributes.runID))
        try PlannedRuns.write([present.attributes, planned.attributes, training.attributes], to: paths.planFile, written: "2026-12-03T07:00:00Z")
        let read = try XCTUnwrap(try PlannedRuns.read(paths.planFile))
        XCTAssertEqual(read.map(\.attributes.runID), [present.attributes.runID, "aae-z8-d0-s2", "vae-z8-d0-s2"])
        XCTAssertEqual(read[1].attributes.spec, planned.attributes.spec)
        XCTAssertEqual(read[1].attributes.dropout, 0)
        XCTAssertEqual(read.map(\.trainedEpochs), [0, 0, 0])

        var warnings: [String] = []
        var html = try String(contentsOfFile: try writeReport(resultsFolder: folder.path) { warnings.append($0) }, encoding: .utf8)
        XCTAssertEqual(warnings, [])
        XCTAssertTrue(html.contains("<p class=\"lead\">6 runs and 1 unfinished, 1 not started · 1 failed · dataset mnist"), html)
        XCTAssertTrue(html.contains("in no cell: vae-z8-d0-s2 after epoch 3 of ?; 1 run is not started (planned by the last aelab run, plan.json): aae-z8-d0-s2."), html)
        XCTAssertTrue(html.contains("<td>aae-z8-d0-s2</td><td>aae</td><td>8</td><td>0</td><td>2</td><td>not started</td><td>0 of 12</td>"), html)
        XCTAssertEqual(html.components(separatedBy: "<td>not started</td>").count - 1, 1, html)

        try Data("{\"format\": \"aelab-plan/1\", \"runs\": [".utf8).write(to: URL(fileURLWithPath: paths.planFile))
        html = try String(contentsOfFile: try writeReport(resultsFolder: folder.path) { warnings.append($0) }, encoding: .utf8)
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings.first?.contains(paths.planFile + ": not a run plan") ?? false, "\(warnings)")
        XCTAssertTrue(html.contains(escapeXML(paths.planFile + ": not a run plan")), html)
        XCTAssertFalse(html.contains("<td>not started</td>"), html)
        // A folder holding nothing but a damaged plan is the error of a folder without runs.
        let planOnly = folder.appendingPathComponent("plan-only")
        try FileManager.default.createDirectory(at: planOnly.appendingPathComponent("runs"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: paths.planFile, toPath: planOnly.appendingPathComponent("plan.json").path)
        XCTAssertThrowsError(try writeReport(resultsFolder: planOnly.path)) {
            XCTAssertEqual("\($0)", planOnly.path + ": " + RunPaths.noRunFiles)
        }
        try Data(#"{"format": "aelab-plan/2", "plan": {}}"#.utf8).write(to: URL(fileURLWithPath: paths.planFile))
        XCTAssertThrowsError(try PlannedRuns.read(paths.planFile)) {
            XCTAssertEqual("\($0)", paths.planFile + ": format 'aelab-plan/2', expected 'aelab-plan/1' (a newer aelab's plan?)")
        }
    }

    /// A results folder read while it trains: each checkpoint is an unfinished run whatever status
    /// its file holds, listed with its epochs and in no cell; a cell with a seed still training,
    /// or with only a failed run and one training, says so; a checkpoint gets no section.
    func testCheckpointsAreUnfinishedRunsInNoCell() throws {
        let paths = RunPaths(folder: folder.path)
        for f in [paths.runsFolder, paths.checkpointsFolder, paths.baselinesFolder] {
            try FileManager.default.createDirectory(atPath: f, withIntermediateDirectories: true)
        }
        for record in SyntheticRuns.experiment {
            try RunFile.write(record, to: (record.attributes.model.hasPrefix("baseline") ? paths.baselinesFolder : paths.runsFolder) + "/\(record.attributes.runID).h5")
        }
        let training = SyntheticRuns.record(model: "aae", latent: 8, seed: 2, ll: 400, epochs: 5)   // "complete" in the file
        try RunFile.write(training, to: paths.checkpoint(training.attributes.runID))
        var vae = SyntheticRuns.record(model: "vae", latent: 8, seed: 2, ll: 250, epochs: 4)
        vae.attributes.status = .running
        try RunFile.write(vae, to: paths.checkpoint(vae.attributes.runID))
        try Data("partial".utf8).write(to: URL(fileURLWithPath: paths.checkpointsFolder + "/.aae-z8-d0-s3.h5.tmp-1-2"))
        var warnings: [String] = []
        let html = try String(contentsOfFile: try writeReport(resultsFolder: folder.path) { warnings.append($0) }, encoding: .utf8)
        XCTAssertEqual(warnings, [])
        XCTAssertTrue(html.contains("<p class=\"lead\">6 runs and 2 unfinished · 1 failed · dataset mnist"), html)
        XCTAssertTrue(html.contains("<td><strong>331.0 ± 2.1</strong> <span class=\"sub\">[+1 unfinished]</span></td>"), html)
        XCTAssertTrue(html.contains(">failed <span class=\"sub\">[+1 unfinished]</span></td>"), html)
        XCTAssertTrue(html.contains("2 runs are unfinished (a checkpoint: training, interrupted, or kept from another configuration) and in no cell: "
                                    + "aae-z8-d0-s2 after epoch 5 of ?, vae-z8-d0-s2 after epoch 4 of ?"), html)
        XCTAssertTrue(html.contains("<td>aae-z8-d0-s2</td><td>aae</td><td>8</td><td>0</td><td>2</td><td>unfinished</td><td>5 of ?</td>"), html)
        XCTAssertFalse(html.contains("id=\"run-aae-z8-d0-s2\""), "a checkpoint has no section")
        XCTAssertFalse(html.contains("400.0") || html.contains("250.0"), "a checkpoint's value is in no cell")
        XCTAssertFalse(html.contains("tmp-1-2"))
    }

    func testOddInputsAreLeftOutWithoutStoppingTheReport() throws {
        var odd = SyntheticRuns.record(model: "ae", latent: 1, ll: 90)
        odd.figures[FigureData.codes] = Tensor(shape: [10, 1], scalars: Array(repeating: 0, count: 10))
        odd.generatedSamples = Tensor(shape: [2, 50], scalars: Array(repeating: 0.5, count: 100))   // not square images
        odd.trainMetrics["reconstruction"]![3] = .nan
        odd.parzen!.sigmaValidationLL = []
        var big = SyntheticRuns.record(model: "aae", latent: 8, ll: 300)
        big.figures[FigureData.codes] = Tensor(shape: [10_000, 8], scalars: (0..<80_000).map { Float($0 % 97) / 10 })
        big.figures[FigureData.codeLabels] = Tensor(shape: [10_000], scalars: (0..<10_000).map { Float($0 % 10) })
        let start = Date()
        let index = try writeReport(experiment: "odd", records: [odd, big], to: folder.appendingPathComponent("report").path)
        XCTAssertLessThan(Date().timeIntervalSince(start), 20, "a report of 10,000 codes is quick")
        let figures = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("report/figures").path)
        XCTAssertEqual(figures.filter { $0.hasPrefix("ae-") }.sorted(), ["ae-z1-d0-s1-losses.svg", "ae-z1-d0-s1-reconstructions.png"])
        let latent = try Data(contentsOf: folder.appendingPathComponent("report/figures/aae-z8-d0-s1-latent.svg"))
        XCTAssertLessThan(latent.count, 600_000, "at most 3,000 codes and 2,000 prior samples are drawn")
        XCTAssertFalse(try String(contentsOfFile: index, encoding: .utf8).isEmpty)
    }

    func testAMissingRunsFolderIsAClearError() {
        XCTAssertThrowsError(try writeReport(resultsFolder: folder.appendingPathComponent("nowhere").path)) { error in
            XCTAssertTrue("\(error)".contains("nowhere/runs"), "\(error)")
        }
    }

    func matches(of pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
            String(text[Range($0.range(at: 1), in: text)!])
        }
    }
}

/// Remembers the name of the document's root element.
final class RootElement: NSObject, XMLParserDelegate {
    var name: String?
    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == nil { name = elementName }
    }
}
