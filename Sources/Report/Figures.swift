import Foundation
import ResultStore
import TensorCore

/// The figures drawn from one run record; each is nil when the record lacks its data (or holds
/// it in a shape that cannot be drawn).
enum RunFigures {
    /// Up to `limit` generated samples, 10 to a row.
    static func samples(_ record: RunRecord, limit: Int = 100) -> ImageGrid? {
        guard let s = record.generatedSamples, isImageBatch(s) else { return nil }
        return .samples(s.rows(0..<min(s.rows, limit)))
    }

    /// Up to `limit` originals with their reconstructions below them.
    static func reconstructions(_ record: RunRecord, limit: Int = 30) -> ImageGrid? {
        guard let o = record.figures[FigureData.originals], let r = record.figures[FigureData.reconstructions],
              isImageBatch(o), o.shape == r.shape else { return nil }
        let k = min(o.rows, limit)
        return .reconstructions(originals: o.rows(0..<k), reconstructions: r.rows(0..<k))
    }

    static func manifold(_ record: RunRecord) -> ImageGrid? {
        guard let m = record.figures[FigureData.manifold], isImageBatch(m) else { return nil }
        let g = Int(Double(m.rows).squareRoot().rounded())
        return g * g == m.rows ? .manifold(m) : nil
    }

    /// "z₁, z₂ from −2 to 2 (20 × 20)", from the manifold axis.
    static func manifoldRange(_ record: RunRecord) -> String? {
        guard let axis = record.figures[FigureData.manifoldAxis]?.scalars, let lo = axis.min(), let hi = axis.max() else { return nil }
        return "z₁, z₂ from \(formatNumber(Double(lo))) to \(formatNumber(Double(hi))) (\(axis.count) × \(axis.count))"
    }

    /// The codes (at most `codeLimit`, the first ones) over the prior samples (at most `priorLimit`):
    /// more points only hide each other and make the SVG heavy.
    static func latentScatter(_ record: RunRecord, codeLimit: Int = 3000, priorLimit: Int = 2000) -> SVG? {
        guard let all = record.figures[FigureData.codes], all.rank == 2, all.columns >= 2, all.rows > 2 else { return nil }
        let codes = all.rows(0..<min(all.rows, codeLimit))
        let labels = record.figures[FigureData.codeLabels].map { $0.scalars.prefix(codes.rows).map { Int($0.rounded()) } } ?? []
        let prior = record.figures[FigureData.priorSamples].flatMap { $0.rank == 2 && $0.columns == codes.columns ? $0 : nil }
            .map { $0.rows(0..<min($0.rows, priorLimit)) }
        return LatentScatter(codes: codes, labels: labels.count == codes.rows ? labels : [], prior: prior,
                             classNames: LatentScatter.classNames(dataset: record.attributes.dataset)).render()
    }

    /// One panel per loss term: training (solid) and validation (dashed) means per epoch.
    static func losses(_ record: RunRecord) -> SVG? {
        let terms = lossTerms(record)
        guard !terms.isEmpty else { return nil }
        let charts = terms.map { term in
            var chart = Chart(title: title(of: term), xLabel: "epoch", yLabel: unit(of: term, spec: record.attributes.spec), xIntegers: true)
            chart.width = 340
            chart.height = 260
            if let values = record.trainMetrics[term] {
                chart.series.append(.init(name: "training", color: palette[0], points: epochs(values), markers: values.count == 1))
            }
            if let values = record.validationMetrics[term] {
                chart.series.append(.init(name: "validation", color: palette[1], points: epochs(values), dashed: true,
                                          markers: values.count == 1))
            }
            return chart.render()
        }
        return panels(charts, columns: 3)
    }

    /// Mean validation log-likelihood at each σ of the grid, the chosen σ marked.
    static func sigmaSearch(_ record: RunRecord) -> SVG? {
        guard let p = record.parzen, !p.sigmaGrid.isEmpty, p.sigmaGrid.count == p.sigmaValidationLL.count else { return nil }
        var chart = Chart(title: "Parzen window: σ chosen on the validation images", xLabel: "σ (pixel intensity, log scale)",
                          yLabel: "mean validation log-likelihood (nats)", xLogarithmic: p.sigmaGrid.allSatisfy { $0 > 0 })
        chart.series = [.init(name: "validation", color: palette[0], points: Array(zip(p.sigmaGrid, p.sigmaValidationLL)), markers: true)]
        chart.marks = [.init(x: p.sigma, label: "chosen σ = " + String(format: "%.3g", p.sigma))]
        return chart.render()
    }

    static func isImageBatch(_ t: Tensor) -> Bool {
        let side = Int(Double(t.columns).squareRoot().rounded())
        return t.rank == 2 && t.rows > 0 && side * side == t.columns
    }

    /// Every metric but timings, the usual terms first.
    static func lossTerms(_ record: RunRecord) -> [String] {
        let order = ["reconstruction", "kl", "negative_elbo", "mmd", "discriminator", "generator"]
        let names = Set(record.trainMetrics.keys).union(record.validationMetrics.keys).filter { !$0.contains("seconds") && $0 != "blas_threads" }   // bookkeeping, not losses
        return order.filter(names.contains) + names.subtracting(order).sorted()
    }

    /// The y-axis title of a loss term. The reconstruction cost's unit depends on the run's
    /// `reconstruction` option, read from its resolved spec.
    static func unit(of term: String, spec: String) -> String {
        switch term {
        case "reconstruction":
            return (costName(reconstructionCost(spec: spec)) ?? "nats") + " per image"
        case "kl", "negative_elbo": return "nats per image"
        case "discriminator", "generator": return "nats per example"
        case "mmd": return "MMD² estimate"
        default: return "value"
        }
    }

    /// The run's reconstruction cost as its resolved spec names it ("bce", "mse", "l1"); "bce"
    /// where the spec names none (the default).
    static func reconstructionCost(spec: String) -> String {
        guard let match = spec.range(of: #""reconstruction"\s*:\s*"[a-z0-9]+""#, options: .regularExpression) else { return "bce" }
        return String(spec[match].split(separator: "\"").last ?? "bce")
    }

    /// What a reconstruction cost other than the default binary cross-entropy (nats) measures;
    /// nil for "bce".
    static func costName(_ cost: String) -> String? {
        switch cost {
        case "bce": return nil
        case "mse": return "squared error"
        case "l1": return "absolute error"
        default: return cost
        }
    }

    /// The panel title of a loss term.
    static func title(of term: String) -> String {
        ["kl": "KL divergence", "negative_elbo": "negative ELBO", "mmd": "MMD"][term] ?? term.replacingOccurrences(of: "_", with: " ")
    }

    private static func epochs(_ values: [Double]) -> [(x: Double, y: Double)] {
        values.enumerated().map { (Double($0.offset + 1), $0.element) }
    }
}

/// Parzen log-likelihood ± standard error of every model at each (latent, dropout) column of a
/// comparison table, with the table's published references and baselines as horizontal lines.
func parzenChart(_ table: ComparisonTable) -> SVG? {
    let sameDropout = Set(table.columns.map(\.dropout)).count <= 1
    var chart = Chart(title: "Parzen log-likelihood of \(table.dataset) test images",
                      xLabel: sameDropout ? "latent dimension" : "latent dimension z, dropout d",
                      yLabel: "log-likelihood (nats), ± standard error",
                      categories: table.columns.map { sameDropout ? "\($0.latentDim)" : $0.label })
    chart.width = 760
    chart.height = 420
    for (i, model) in table.models.enumerated() {
        let cells = table.cells[model] ?? []
        let present = cells.indices.filter { cells[$0]?.mean != nil }
        guard !present.isEmpty else { continue }
        chart.series.append(.init(name: model, color: palette[i % palette.count],
                                  points: present.map { (Double($0), cells[$0]!.mean!) },
                                  errors: present.map { cells[$0]!.shownError ?? 0 }, markers: true))
    }
    guard !chart.series.isEmpty else { return nil }
    chart.references = table.references.map { .init(label: "\($0.name) \(formatNumber($0.logLikelihood))", y: $0.logLikelihood) }
        + table.baselines.compactMap { b in
            b.parzen.map { .init(label: Comparison.baselineName(b.model).replacingOccurrences(of: "baseline: ", with: ""),
                                 y: $0, color: "#4a9c5d") }
        }
    return chart.render()
}
