import Foundation
import ResultStore

/// The HTML report of an experiment and the figure files it refers to, built in memory.
///
/// The page is one self-contained file: an inline style sheet, no scripts, no web fonts, and
/// figures as relative links into `figures/` (PNG image grids, SVG charts).
struct ReportPage {
    /// Path relative to the report folder → content.
    private(set) var files: [(path: String, bytes: [UInt8])] = []
    private var body = ""

    init(experiment: String, records: [RunRecord], modelOrder: [String], problems: [String] = []) {
        // Baselines enter the comparison only; the runs get the header, the table and a section each.
        // Unfinished runs (checkpoints) are listed, but have no section: no samples or figures yet.
        let comparison = Comparison(experiment: experiment, runs: records.map(RunSummary.init), modelOrder: modelOrder)
        let unfinished = comparison.runs.filter(\.isUnfinished)
        let records = records.filter { !$0.attributes.model.hasPrefix("baseline") && $0.attributes.status != .running }
            .sorted { $0.attributes.runID < $1.attributes.runID }
        body += header(experiment: experiment, records: records, unfinished: unfinished,
                       datasets: Set(comparison.runs.map(\.dataset)).sorted(), problems: problems)
        body += "<section id=\"comparison\">\n<h2>Comparison</h2>\n"
        for table in comparison.tables {
            addTable(table)
            if let note = Comparison.unfinishedNote(unfinished.filter { $0.dataset == table.dataset }) {
                body += "<p class=\"note\">\(escapeXML(note)).</p>\n"
            }
        }
        body += runsTable(comparison.runs.filter { !$0.isBaseline }) + "</section>\n"
        for record in records { addRun(record) }
    }

    /// The whole page.
    var html: String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title)</title>
        <style>
        \(Self.style)
        </style>
        </head>
        <body>
        <main>
        \(body)</main>
        </body>
        </html>

        """
    }

    private var title = "AELab report"

    private mutating func header(experiment: String, records: [RunRecord], unfinished: [RunSummary], datasets: [String],
                                 problems: [String]) -> String {
        title = "AELab report: " + escapeXML(experiment)
        let failed = records.filter { $0.attributes.status == .failed }.count
        let datasets = datasets.joined(separator: ", ")
        // "6 runs and 2 unfinished, 3 not started": checkpoints, then planned runs without a file.
        let notStarted = unfinished.filter { $0.status == RunSummary.notStarted }.count, started = unfinished.count - notStarted
        let waiting = [started > 0 ? "\(started) unfinished" : nil, notStarted > 0 ? "\(notStarted) not started" : nil].compactMap { $0 }
        var facts = ["\(records.count) run\(records.count == 1 ? "" : "s")" + (waiting.isEmpty ? "" : " and " + waiting.joined(separator: ", "))]
        if failed > 0 { facts.append("\(failed) failed") }
        if !datasets.isEmpty { facts.append("dataset\(datasets.contains(",") ? "s" : "") " + datasets) }
        if let version = records.first?.attributes.aelabVersion, !version.isEmpty { facts.append("aelab " + version) }
        var out = "<header>\n<p class=\"kicker\">AELab report</p>\n<h1>\(escapeXML(experiment))</h1>\n"
        out += "<p class=\"lead\">\(escapeXML(facts.joined(separator: " · ")))</p>\n"
        if !records.isEmpty {
            out += "<nav><a href=\"#comparison\">Comparison</a>"
            out += records.map { " · <a href=\"#\(anchor($0))\">\(escapeXML($0.attributes.runID))</a>" }.joined()
            out += "</nav>\n"
        } else {
            out += "<p class=\"empty\">No run files yet.</p>\n"
        }
        for problem in problems { out += "<p class=\"failure\">\(escapeXML(problem))</p>\n" }
        return out + "</header>\n"
    }

    // MARK: comparison

    private mutating func addTable(_ table: ComparisonTable) {
        body += "<h3>Parzen log-likelihood of \(escapeXML(table.dataset)) test images</h3>\n"
        body += "<p class=\"note\">nats, mean ± standard error over test points, and over seeds where a cell has several; the best of each column in bold; "
            + "[sd] the spread over seeds.</p>\n"
        body += comparisonTable(table)
        if let chart = parzenChart(table) {
            let name = "figures/parzen-\(safeName(table.dataset)).svg"
            add(name, chart.document)
            let notes = (table.references.isEmpty ? [] : ["dashed lines: published values (Makhzani et al. 2015, Table 1)"])
                + (table.baselines.isEmpty ? [] : ["green: baselines"])
            body += figure(name, width: chart.width, caption: "Each model's Parzen log-likelihood with ± one standard error"
                + (notes.isEmpty ? "" : "; " + notes.joined(separator: "; ")) + ".", alt: "Parzen log-likelihood by model")
        }
    }

    private func comparisonTable(_ table: ComparisonTable) -> String {
        var out = "<div class=\"scroll\"><table class=\"comparison\">\n<thead><tr><th>model</th>"
        out += table.columns.map { "<th>z = \($0.latentDim)<br><span class=\"sub\">dropout \(formatNumber($0.dropout))</span></th>" }.joined()
        out += "</tr></thead>\n<tbody>\n"
        for model in table.models {
            out += "<tr><th>\(escapeXML(model))</th>" + (table.cells[model] ?? []).map(cellHTML).joined() + "</tr>\n"
        }
        let span = max(table.columns.count, 1)
        for b in table.baselines {
            out += "<tr class=\"extra\"><th>\(escapeXML(Comparison.baselineName(b.model)))</th><td colspan=\"\(span)\">"
                + (b.parzen.map { Comparison.llText($0, b.parzenStandardError) } ?? "—") + "</td></tr>\n"
        }
        for r in table.references {
            out += "<tr class=\"extra\"><th>\(escapeXML(r.name)) <span class=\"sub\">Makhzani et al. 2015</span></th>"
                + "<td colspan=\"\(span)\">\(Comparison.llText(r.logLikelihood, r.standardError))</td></tr>\n"
        }
        return out + "</tbody>\n</table></div>\n"
    }

    private func cellHTML(_ cell: Cell?) -> String {
        guard let cell else { return "<td class=\"missing\">—</td>" }
        let more = cell.unfinished > 0 ? " <span class=\"sub\">[+\(cell.unfinished) unfinished]</span>" : ""
        guard let mean = cell.mean else {
            if cell.failures.isEmpty && cell.unfinished > 0 { return "<td class=\"missing\">\(cell.waitingText)</td>" }
            return "<td class=\"failed\" title=\"\(escapeXML(cell.failures.joined(separator: "\n")))\">failed\(more)</td>"
        }
        var text = escapeXML(Comparison.llText(mean, cell.shownError))
        if cell.isBest { text = "<strong>\(text)</strong>" }
        if let spread = cell.seedSpread { text += String(format: " <span class=\"sub\">[sd %.1f, %d seeds]</span>", spread, cell.seeds) }
        if !cell.failures.isEmpty { text += " <span class=\"sub\">(\(cell.failures.count) failed)</span>" }
        return "<td>\(text)\(more)</td>"
    }

    private func runsTable(_ runs: [RunSummary]) -> String {
        guard !runs.isEmpty else { return "" }
        let importance = runs.contains { $0.importanceSampled != nil }
        var headings = ["run", "model", "z", "dropout", "seed", "status", "epochs", "time", "valid. reconstruction",
                        "Parzen LL (nats)", "σ"]
        if importance { headings.append("importance-sampled LL") }
        var out = "<h3>Runs</h3>\n<div class=\"scroll\"><table class=\"runs\">\n<thead><tr>"
            + headings.map { "<th>\($0)</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for r in runs {
            let link = r.isUnfinished ? escapeXML(r.runID) : "<a href=\"#run-\(safeName(r.runID))\">\(escapeXML(r.runID))</a>"
            let status = r.status == "failed" ? "<span class=\"bad\">failed</span>" : escapeXML(r.status)
            var cells: [String] = [link, escapeXML(r.model), "\(r.latentDim)", formatNumber(r.dropout), "\(r.seed)", status]
            cells += [Comparison.epochsText(r), Comparison.duration(r.trainingSeconds),
                      r.reconstruction.map { escapeXML(Comparison.reconstructionText($0, cost: r.reconstructionCost)) } ?? "—"]
            cells.append(r.parzen.map { Comparison.llText($0, r.parzenStandardError) } ?? "—")
            cells.append(Self.fixed(r.sigma, "%.3g"))
            if importance { cells.append(Self.fixed(r.importanceSampled, "%.2f")) }
            out += "<tr>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
        }
        return out + "</tbody>\n</table></div>\n"
    }

    // MARK: one run

    private mutating func addRun(_ record: RunRecord) {
        let a = record.attributes, id = safeName(a.runID)
        let summary = RunSummary(record)
        body += "<section class=\"run\" id=\"\(anchor(record))\">\n<h2>\(escapeXML(a.runID))</h2>\n"
        var facts = ["model <b>\(escapeXML(a.model))</b>", "dataset \(escapeXML(a.dataset))", "latent dimension \(a.latentDim)",
                     "dropout \(formatNumber(a.dropout))", "seed \(a.seed)", "\(summary.epochs) epochs",
                     Comparison.duration(summary.trainingSeconds) + " training"]
        if let p = record.parzen {
            facts.append("Parzen LL <b>\(Comparison.llText(p.logLikelihood, p.standardError))</b> nats at σ = \(String(format: "%.3g", p.sigma))")
        }
        body += "<p class=\"meta\">" + facts.joined(separator: " · ") + "</p>\n"
        if a.status != .complete {
            let reason = a.failure.isEmpty ? "" : ": " + escapeXML(a.failure)
            body += "<p class=\"failure\">Status <b>\(a.status.rawValue)</b>\(reason)</p>\n"
        }
        var figures = ""
        if let grid = RunFigures.samples(record) {
            figures += png("figures/\(id)-samples.png", grid, caption: "Generated samples (\(grid.layout.joined().compactMap { $0 }.count)).")
        }
        if let grid = RunFigures.reconstructions(record) {
            figures += png("figures/\(id)-reconstructions.png", grid,
                           caption: "Test images, each row above its reconstructions.")
        }
        if let grid = RunFigures.manifold(record) {
            let range = RunFigures.manifoldRange(record).map { ": " + $0 } ?? ""
            figures += png("figures/\(id)-manifold.png", grid, caption: "Decoded latent grid\(range); z₂ increases upwards.")
        }
        if let svg = RunFigures.latentScatter(record) {
            let match = CodeMatch(record).map { "; \($0.codesName): \($0.radiusText)" } ?? ""
            figures += svgFigure("figures/\(id)-latent.svg", svg, caption: "Latent codes of test images by class; prior samples in grey behind them\(match).")
        }
        if let svg = RunFigures.sigmaSearch(record), let p = record.parzen {
            figures += svgFigure("figures/\(id)-sigma.svg", svg, caption: "σ grid search on validation images; test log-likelihood "
                + "\(Comparison.llText(p.logLikelihood, p.standardError)) nats over \(p.testPoints) test images, "
                + "from \(p.generatedSamples) generated samples.")
        }
        if let svg = RunFigures.losses(record) {
            figures += svgFigure("figures/\(id)-losses.svg", svg, caption: "Loss terms per epoch: training (solid) and validation (dashed).",
                                 wide: true)
        }
        body += figures.isEmpty ? "<p class=\"empty\">No figures in this run file.</p>\n" : "<div class=\"figures\">\n\(figures)</div>\n"
        body += "</section>\n"
    }

    // MARK: pieces

    private mutating func png(_ path: String, _ grid: ImageGrid, caption: String) -> String {
        files.append((path, PNG.encode(grid.render())))
        let scale = grid.width < 400 ? 2 : 1     // small grids shown at twice their size, pixels kept sharp
        return figure(path, width: Double(grid.width * scale), caption: caption, alt: caption, pixelated: true)
    }

    private mutating func svgFigure(_ path: String, _ svg: SVG, caption: String, wide: Bool = false) -> String {
        add(path, svg.document)
        return figure(path, width: svg.width, caption: caption, alt: caption, wide: wide)
    }

    private mutating func add(_ path: String, _ text: String) { files.append((path, Array(text.utf8))) }

    private func figure(_ path: String, width: Double, caption: String, alt: String, pixelated: Bool = false, wide: Bool = false) -> String {
        let classes = [pixelated ? "pixelated" : nil, wide ? "wide" : nil].compactMap { $0 }
        let classAttribute = classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\""
        return "<figure\(classAttribute)><img src=\"\(path)\" width=\"\(n(width))\" alt=\"\(escapeXML(alt))\">"
            + "<figcaption>\(escapeXML(caption))</figcaption></figure>\n"
    }

    private static func fixed(_ x: Double?, _ format: String) -> String { x.map { String(format: format, $0) } ?? "—" }

    private func anchor(_ record: RunRecord) -> String { "run-" + safeName(record.attributes.runID) }
}

/// `s` with every character outside [A-Za-z0-9._-] replaced by "_": safe in file names and URLs.
func safeName(_ s: String) -> String {
    String(s.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
}
