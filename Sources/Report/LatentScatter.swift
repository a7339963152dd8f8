import Foundation
import TensorCore

/// Codes of test images as points coloured by class, over prior samples in grey. 2-D codes are
/// drawn as they are; higher-dimensional ones on their first two principal components (fitted on
/// the codes; the prior samples are projected with the same mean and components).
///
/// Both axes share one scale, so distances read the same in every direction. The plotted square
/// covers the 0.5–99.5 % quantiles of all points, widened by 10 %; the few points beyond are left
/// out, and the caption says how many.
struct LatentScatter {
    /// [n, d], d ≥ 2.
    var codes: Tensor
    /// n classes (empty: no classes, one colour).
    var labels: [Int]
    /// [m, d], or nil.
    var prior: Tensor?
    var classNames: [String]

    func render() -> SVG {
        let d = codes.columns
        precondition(d >= 2, "a latent scatter needs codes of 2 or more dimensions, got \(d)")
        let (points, priorPoints, axes) = project()
        let (size, legendWidth) = (440.0, 130.0)
        var svg = SVG(width: size + legendWidth, height: size + 42)
        svg.text(d == 2 ? "Latent codes of test images" : "Latent codes of test images (\(d)-D, first two principal components)",
                 12, 18, size: 13, weight: "bold")
        let plot = Plot(left: 70, top: 36, right: size - 10, bottom: size - 4)     // a square
        let (lo, hi) = Self.range((points + priorPoints).flatMap { $0 })
        let x = Scale(lower: lo, upper: hi, from: plot.left, to: plot.right)
        let y = Scale(lower: lo, upper: hi, from: plot.bottom, to: plot.top)
        plot.drawAxes(&svg, x: x, y: y, xLabel: axes.0, yLabel: axes.1)
        let inside = { (p: [Double]) in p.allSatisfy { $0 >= lo && $0 <= hi } }
        var left = 0
        var grey: [(Double, Double)] = []
        for p in priorPoints { if inside(p) { grey.append((x(p[0]), y(p[1]))) } else { left += 1 } }
        svg.dots(grey, r: 1.6, fill: "#c4c4c4")
        // One path per colour (classes drawn in palette order, each class's codes in data order).
        var byColour = Array(repeating: [(Double, Double)](), count: palette.count)
        for (i, p) in points.enumerated() {
            guard inside(p) else { left += 1; continue }
            let label = labels.isEmpty ? 0 : labels[i]
            byColour[((label % palette.count) + palette.count) % palette.count].append((x(p[0]), y(p[1])))
        }
        for (k, dots) in byColour.enumerated() { svg.dots(dots, r: 2, fill: palette[k], opacity: 0.8) }
        drawLegend(&svg, x: size + 4, top: plot.top)
        if left > 0 {
            svg.text("\(left) point\(left == 1 ? "" : "s") beyond", size + 4, plot.bottom - 14, size: 10, fill: "#666")
            svg.text("the axes, not shown", size + 4, plot.bottom, size: 10, fill: "#666")
        }
        return svg
    }

    /// 2-D points of the codes and of the prior samples, and the axis titles.
    private func project() -> ([[Double]], [[Double]], (String, String)) {
        let rows = { (t: Tensor) in (0..<t.rows).map { i in [Double(t[i, 0]), Double(t[i, 1])] } }
        guard codes.columns > 2 else { return (rows(codes), prior.map(rows) ?? [], ("z₁", "z₂")) }
        let pca = PrincipalComponents(codes)
        let title = { (k: Int) in String(format: "principal component %d (%.0f%% of variance)", k + 1, 100 * pca.explained(k)) }
        return (pca.project(codes), prior.map { pca.project($0) } ?? [], (title(0), title(1)))
    }

    private func drawLegend(_ svg: inout SVG, x: Double, top: Double) {
        var row = top + 8
        if !labels.isEmpty {
            for (k, name) in classNames.enumerated() where labels.contains(k) {
                svg.circle(x + 6, row - 4, r: 4.5, fill: palette[k % 10])
                svg.text(name, x + 16, row, size: 11)
                row += 17
            }
        }
        if prior != nil {
            svg.circle(x + 6, row - 4, r: 4.5, fill: "#c4c4c4")
            svg.text("prior sample", x + 16, row, size: 11)
        }
    }

    /// The 0.5 % and 99.5 % quantiles of `values`, widened by 10 % of their span on each side.
    static func range(_ values: [Double]) -> (Double, Double) {
        let sorted = values.filter(\.isFinite).sorted()
        guard let first = sorted.first, let last = sorted.last, last > first else { return (-1, 1) }
        let q = { (p: Double) in sorted[Int((p * Double(sorted.count - 1)).rounded())] }
        let (lo, hi) = (q(0.005), q(0.995))
        let pad = 0.1 * (hi - lo)
        return (lo - pad, hi + pad)
    }

    /// Class names by dataset: Fashion-MNIST's garments, otherwise the digits.
    static func classNames(dataset: String) -> [String] {
        if dataset.lowercased().contains("fashion") {
            return ["T-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"]
        }
        return (0..<10).map { "digit \($0)" }
    }
}
