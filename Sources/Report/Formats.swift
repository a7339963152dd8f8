import Foundation

/// The comparison of an experiment's runs, in the formats `aelab compare` writes.
public struct Comparison: Sendable, Codable {
    public var experiment: String
    public var tables: [ComparisonTable]
    public var runs: [RunSummary]

    public init(experiment: String, runs: [RunSummary], modelOrder: [String] = []) {
        self.experiment = experiment
        self.runs = runs.sorted { $0.runID < $1.runID }
        tables = Array(Set(runs.map(\.dataset))).sorted().map { ComparisonTable(dataset: $0, runs: runs, modelOrder: modelOrder) }
    }

    public enum Format: String, CaseIterable, Sendable {
        case table, markdown, csv, json
    }

    public func render(_ format: Format) throws -> String {
        switch format {
        case .table: return text(markdown: false)
        case .markdown: return text(markdown: true)
        case .csv: return csv
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
        }
    }

    // MARK: text tables

    private func text(markdown: Bool) -> String {
        var out = ""
        for table in tables {
            let epochs = Self.epochsNote(runs.filter { $0.dataset == table.dataset && !$0.isBaseline && !$0.isUnfinished })
            let title = "Parzen log-likelihood of \(table.dataset) test images (nats, mean ± standard error over test points, and over seeds where a cell has several; * best of its column\(epochs))"
            out += (markdown ? "### " : "") + title + "\n\n"
            var rows = [["model"] + table.columns.map(\.label)]
            for model in table.models {
                rows.append([model] + table.cells[model]!.map { $0.map(Self.cellText) ?? "—" })
            }
            // Baselines and published values have no latent size or dropout of ours: below the
            // models when there is one column, else a table of their own, so that none reads as
            // belonging to the first column.
            let references = table.baselines.map { b in
                [Self.baselineName(b.model), b.parzen.map { Self.llText($0, b.parzenStandardError) } ?? "—"]
            } + table.references.map { r in
                ["\(r.name) (Makhzani et al. 2015)", Self.llText(r.logLikelihood, r.standardError)]
            }
            if table.columns.count <= 1 {
                out += Self.grid(rows + references, markdown: markdown) + "\n"
            } else {
                out += Self.grid(rows, markdown: markdown) + "\n"
                if !references.isEmpty {
                    out += "Baselines and published values (one each: they have no latent size or dropout):\n\n"
                        + Self.grid([["reference", "Parzen LL"]] + references, markdown: markdown) + "\n"
                }
            }
            let failures = table.models.flatMap { table.cells[$0]!.compactMap { $0 }.flatMap(\.failures) }
            if !failures.isEmpty { out += "failed runs:\n" + failures.map { "  \($0)\n" }.joined() + "\n" }
            if let note = Self.unfinishedNote(runs.filter { $0.dataset == table.dataset }) { out += note + "\n\n" }
        }
        out += (markdown ? "### " : "") + "Runs\n\n"
        var rows = [["run", "status", "epochs", "time", "valid. reconstruction", "Parzen LL", "σ", "importance-sampled LL"]]
        for r in runs where !r.isBaseline {
            rows.append([r.runID, r.status == "failed" ? "failed: \(r.failure)" : r.status, Self.epochsText(r),
                         Self.duration(r.trainingSeconds), r.reconstruction.map { Self.reconstructionText($0, cost: r.reconstructionCost) } ?? "—",
                         r.parzen.map { Self.llText($0, r.parzenStandardError) } ?? "—",
                         r.sigma.map { String(format: "%.3f", $0) } ?? "—",
                         r.importanceSampled.map { String(format: "%.2f", $0) } ?? "—"])
        }
        return out + Self.grid(rows, markdown: markdown)
    }

    /// A validation reconstruction: nats (binary cross-entropy) bare, any other cost named, so a
    /// WAE's squared error is not read against the others' nats.
    static func reconstructionText(_ value: Double, cost: String) -> String {
        let number = String(format: "%.2f", value)
        return RunFigures.costName(cost).map { number + " (\($0))" } ?? number
    }

    /// How long the models trained, for the title of the numbers it qualifies: "; 10 epochs", or
    /// the range when they differ.
    static func epochsNote(_ models: [RunSummary]) -> String {
        let counts = Set(models.map(\.epochs))
        guard let low = counts.min(), let high = counts.max() else { return "" }
        return low == high ? "; \(low) epochs" : "; \(low)–\(high) epochs, see Runs"
    }

    static func cellText(_ c: Cell) -> String {
        let more = c.unfinished > 0 ? " [+\(c.unfinished) unfinished]" : ""
        guard let mean = c.mean else { return c.failures.isEmpty && c.unfinished > 0 ? c.waitingText : "failed" + more }
        var s = (c.isBest ? "*" : "") + llText(mean, c.shownError)
        if let spread = c.seedSpread { s += String(format: " [sd %.1f over %d seeds]", spread, c.seeds) }
        return s + more
    }

    /// A run's epochs; an unfinished one's against the spec's: "181 of 200".
    static func epochsText(_ r: RunSummary) -> String {
        r.isUnfinished ? "\(r.epochs) of \(r.plannedEpochs.map(String.init) ?? "?")" : "\(r.epochs)"
    }

    /// Below a table whose runs are not all whole: which are not, so that no cell is read as final.
    static func unfinishedNote(_ runs: [RunSummary]) -> String? {
        let checkpoints = runs.filter { $0.status == RunSummary.unfinished }
        let planned = runs.filter { $0.status == RunSummary.notStarted }
        func count(_ n: Int) -> String { "\(n) run\(n == 1 ? " is" : "s are")" }
        var parts: [String] = []
        if !checkpoints.isEmpty {
            parts.append(count(checkpoints.count) + " unfinished (a checkpoint: training, interrupted, or kept from another configuration) and in no cell: "
                         + checkpoints.map { "\($0.runID) after epoch \(epochsText($0))" }.joined(separator: ", "))
        }
        if !planned.isEmpty {
            parts.append(count(planned.count) + " not started (planned by the last aelab run, plan.json)"
                         + (checkpoints.isEmpty ? " and in no cell: " : ": ") + planned.map(\.runID).joined(separator: ", "))
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    static func llText(_ ll: Double, _ se: Double?) -> String {
        String(format: "%.1f", ll) + (se.map { String(format: " ± %.1f", $0) } ?? "")
    }

    static func baselineName(_ model: String) -> String {
        switch model {
        case "baseline-train": return "baseline: training images as samples"
        case "baseline-gaussian": return "baseline: Gaussian fitted to pixels"
        default: return model
        }
    }

    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%dh%02dm", t / 3600, t % 3600 / 60) : String(format: "%dm%02ds", t / 60, t % 60)
    }

    /// Aligned columns, or a Markdown pipe table.
    static func grid(_ rows: [[String]], markdown: Bool) -> String {
        let widths = (0..<(rows.map(\.count).max() ?? 0)).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            let cells = row.enumerated().map { c, s in s.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
            return markdown ? "| " + cells.joined(separator: " | ") + " |" : cells.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var lines = [line(rows[0])]
        if markdown { lines.append("|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|") }
        lines += rows.dropFirst().map(line)
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: CSV (one row per run)

    var csv: String {
        let header = "run_id,model,dataset,latent_dim,dropout,seed,status,failure,epochs,training_seconds,validation_reconstruction,parzen_ll,parzen_se,sigma,importance_sampled_ll,blas_cores,reconstruction_cost,builds,code_radius_ratio,planned_epochs"
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        func number(_ x: Double?) -> String { x.map { String($0) } ?? "" }
        let rows = runs.map { r in
            [field(r.runID), field(r.model), field(r.dataset), "\(r.latentDim)", number(r.dropout), "\(r.seed)", r.status,
             field(r.failure), "\(r.epochs)", number(r.trainingSeconds), number(r.reconstruction), number(r.parzen),
             number(r.parzenStandardError), number(r.sigma), number(r.importanceSampled), field(r.blasCores),
             r.reconstruction == nil ? "" : r.reconstructionCost, field(r.builds), number(r.codeRadiusRatio),
             r.plannedEpochs.map(String.init) ?? ""].joined(separator: ",")
        }
        return ([header] + rows).joined(separator: "\n") + "\n"
    }
}
