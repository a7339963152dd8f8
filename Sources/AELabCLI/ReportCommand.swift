import ArgumentParser
import Foundation
import Report

/// `aelab report`: the HTML page of an experiment.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write RESULTS/report/index.html: the comparison table, then every run's figures.",
        discussion: """
        RESULTS is an experiment's folder (e.g. results/quickstart). The page is self-contained (no scripts, fonts or network): the comparison table and the Parzen chart first, then per run its generated samples, reconstructions, decoded manifold (2-D latents), latent scatter, σ search and loss curves. Figures are PNG and SVG files in report/figures/. `aelab run` writes the report at the end of a sweep; run this after `aelab evaluate` or to rebuild it.
        """
    )

    @Argument(help: "An experiment's results folder (RESULTS/NAME).") var folder: String

    func run() throws {
        if let problem = resultsFolderProblem(folder) { throw failure(problem) }
        do {
            emit("report: \(try writeReport(resultsFolder: folder, warn: warn))")
        } catch {
            throw failure("\(error)")
        }
    }
}
