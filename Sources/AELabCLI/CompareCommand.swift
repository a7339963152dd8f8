import ArgumentParser
import Experiments
import Foundation
import Report
import ResultStore

/// `aelab compare`: the comparison tables of an experiment's results.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Print the comparison tables of an experiment's runs.",
        discussion: """
        RESULTS is an experiment's folder (e.g. results/mnist-sweep): every run file under runs/ and baselines/ is read, the checkpoints of runs not finished yet are listed as unfinished, and the runs the last aelab run planned (plan.json: its spec's whole sweep) that have neither file as not started; neither is in a cell until whole (a cell with some of its seeds still to come says '[+N unfinished]'). The first table has the Parzen log-likelihood of the test images, models as rows and (latent, dropout) as columns, the best of each column marked with *; on MNIST the AAE paper's published values follow as reference rows. The second lists every run with its validation reconstruction, σ, importance-sampled log-likelihood (the families that have one: aelab models) and training time. CSV has one row per run; JSON has the tables and the runs.
        """
    )

    @Argument(help: "An experiment's results folder (RESULTS/NAME).") var folder: String
    @Option(help: "table, markdown, csv or json.") var format: Comparison.Format = .table

    func run() throws {
        if let problem = resultsFolderProblem(folder) { throw failure(problem) }
        try Self.printComparison(folder: folder, experiment: nil, modelOrder: [], format: format)
    }

    /// Reads every run file of `folder` (summaries only) and prints the comparison.
    static func printComparison(folder: String, experiment: String?, modelOrder: [String], format: Comparison.Format) throws {
        let records: [RunRecord]
        do { records = try experimentRecords(resultsFolder: folder, parts: .summary, warn: warn).records } catch let error as ReportError {
            throw failure(error.description)
        }
        let name = experiment ?? records.first?.attributes.experiment ?? (folder as NSString).lastPathComponent
        let order = modelOrder.isEmpty ? defaultModelOrder : modelOrder
        let comparison = Comparison(experiment: name, runs: records.map(RunSummary.init), modelOrder: order)
        FileHandle.standardOutput.write(try comparison.render(format).data(using: .utf8)!)
    }
}

extension Comparison.Format: ExpressibleByArgument {}
