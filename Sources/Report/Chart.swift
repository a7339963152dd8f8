import Foundation

/// A 2-D chart drawn as SVG: lines and points (with optional ± error bars), horizontal reference
/// lines labelled in the right margin, and labelled vertical marks.
struct Chart {
    struct Series {
        var name: String
        var color: String
        var points: [(x: Double, y: Double)]
        /// Half-widths of error bars, one per point.
        var errors: [Double]? = nil
        var dashed = false
        var markers = false
        var line = true
    }

    struct Reference {
        var label: String
        var y: Double
        var color = "#8a8a8a"
    }

    struct Mark {
        var x: Double
        var label: String
        var color = "#c0392b"
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var xLogarithmic = false
    /// Whole-number x (epochs): ticks never fall between integers, and the axis spans exactly the data.
    var xIntegers = false
    /// Categorical x: series points at x = 0, 1, …, labelled by these names, dodged apart.
    var categories: [String]? = nil
    var series: [Series] = []
    var references: [Reference] = []
    var marks: [Mark] = []
    var width = 480.0
    var height = 320.0

    func render() -> SVG {
        var svg = SVG(width: width, height: height)
        svg.text(title, 12, 18, size: 13, weight: "bold")
        let legendBottom = drawLegend(&svg, top: 28)
        let plot = Plot(left: 70, top: legendBottom + 14, right: width - (references.isEmpty ? 18 : 170), bottom: height - 46)
        let x = xScale(plot), y = yScale(plot)
        plot.drawAxes(&svg, x: x, y: y, xLabel: xLabel, yLabel: yLabel, categories: categories)
        drawReferences(&svg, plot: plot, y: y)
        for mark in marks {
            svg.line(x(mark.x), plot.top, x(mark.x), plot.bottom, stroke: mark.color, width: 1.2, dash: "5 3")
            let anchor = x(mark.x) > (plot.left + plot.right) / 2 ? "end" : "start"
            svg.text(mark.label, x(mark.x) + (anchor == "end" ? -5 : 5), plot.top + 13, anchor: anchor, fill: mark.color)
        }
        for (i, s) in series.enumerated() { drawSeries(&svg, s, dodge: dodge(i), x: x, y: y) }
        return svg
    }

    private func xScale(_ plot: Plot) -> Scale {
        if let categories { return Scale(lower: -0.5, upper: Double(categories.count) - 0.5, from: plot.left, to: plot.right) }
        let xs = series.flatMap { $0.points.map(\.x) } + marks.map(\.x)
        return xLogarithmic ? .log(covering: xs, from: plot.left, to: plot.right)
            : .linear(covering: xs, from: plot.left, to: plot.right, minimumStep: xIntegers ? 1 : 0, tight: xIntegers)
    }

    private func yScale(_ plot: Plot) -> Scale {
        var ys = references.map(\.y)
        for s in series {
            for (i, p) in s.points.enumerated() {
                let e = s.errors?[i] ?? 0
                ys += [p.y - e, p.y + e]
            }
        }
        return .linear(covering: ys, from: plot.bottom, to: plot.top)
    }

    /// Offset in category units, so that the error bars of different series at one category do not overlap.
    private func dodge(_ i: Int) -> Double {
        guard categories != nil, series.count > 1 else { return 0 }
        let step = min(0.5 / Double(series.count), 0.1)
        return (Double(i) - Double(series.count - 1) / 2) * step
    }

    private func drawSeries(_ svg: inout SVG, _ s: Series, dodge: Double, x: Scale, y: Scale) {
        let finite = s.points.indices.filter { s.points[$0].x.isFinite && s.points[$0].y.isFinite }
        let screen = finite.map { (x(s.points[$0].x + dodge), y(s.points[$0].y)) }
        if s.line { svg.polyline(screen, stroke: s.color, width: s.markers ? 1.2 : 1.8, dash: s.dashed ? "6 4" : nil) }
        for (k, i) in finite.enumerated() {
            if let e = s.errors?[i], e > 0 {
                let (px, top, bottom) = (screen[k].0, y(s.points[i].y + e), y(s.points[i].y - e))
                svg.line(px, top, px, bottom, stroke: s.color, width: 1.4)
                svg.line(px - 4, top, px + 4, top, stroke: s.color, width: 1.4)
                svg.line(px - 4, bottom, px + 4, bottom, stroke: s.color, width: 1.4)
            }
            if s.markers { svg.circle(screen[k].0, screen[k].1, r: 3.5, fill: s.color, extra: " stroke=\"white\" stroke-width=\"1\"") }
        }
    }

    /// Reference lines across the plot, labelled in the right margin; labels pushed apart to stay legible.
    private func drawReferences(_ svg: inout SVG, plot: Plot, y: Scale) {
        let sorted = references.sorted { $0.y > $1.y }
        var positions = sorted.map { y($0.y) + 4 }
        for i in positions.indices.dropFirst() where positions[i] < positions[i - 1] + 13 { positions[i] = positions[i - 1] + 13 }
        for (r, labelY) in zip(sorted, positions) {
            svg.line(plot.left, y(r.y), plot.right, y(r.y), stroke: r.color, width: 1, dash: "4 3")
            svg.line(plot.right, y(r.y), plot.right + 6, labelY - 4, stroke: r.color, width: 0.8)
            svg.text(r.label, plot.right + 8, labelY, size: 11, fill: "#555")
        }
    }

    /// One row (or more) of swatch + name under the title (for more than one series, or any
    /// categorical chart); returns the bottom of the legend.
    private func drawLegend(_ svg: inout SVG, top: Double) -> Double {
        guard series.count > 1 || categories != nil else { return top }
        var (x, row) = (12.0, top + 12)
        for s in series {
            let itemWidth = 30 + 7 * Double(s.name.count) + 14
            if x + itemWidth > width - 8, x > 12 { (x, row) = (12, row + 18) }
            if s.line { svg.line(x, row - 4, x + 22, row - 4, stroke: s.color, width: 2, dash: s.dashed ? "6 4" : nil) }
            if s.markers { svg.circle(x + 11, row - 4, r: 3.5, fill: s.color) }
            svg.text(s.name, x + 28, row)
            x += itemWidth
        }
        return row
    }
}

/// The rectangle charts draw in, and its axes.
struct Plot {
    var left: Double
    var top: Double
    var right: Double
    var bottom: Double

    /// Grid lines at the y ticks, the two axes with tick labels, and the axis titles.
    func drawAxes(_ svg: inout SVG, x: Scale, y: Scale, xLabel: String, yLabel: String, categories: [String]? = nil) {
        for t in y.ticks {
            svg.line(left, y(t), right, y(t), stroke: "#e6e6e6")
            svg.text(y.label(t), left - 7, y(t) + 4, anchor: "end", size: 11, fill: "#444")
        }
        let xTicks = categories.map { names in names.indices.map { (Double($0), names[$0]) } }
            ?? x.ticks.map { ($0, x.label($0)) }
        for (t, label) in xTicks {
            svg.line(x(t), bottom, x(t), bottom + 5, stroke: "#444")
            svg.text(label, x(t), bottom + 18, anchor: "middle", size: 11, fill: "#444")
        }
        svg.line(left, bottom, right, bottom, stroke: "#444")
        svg.line(left, top, left, bottom, stroke: "#444")
        svg.text(xLabel, (left + right) / 2, bottom + 36, anchor: "middle")
        svg.text(yLabel, left - 52, (top + bottom) / 2, anchor: "middle", rotate: -90)
    }
}

/// Charts laid out in rows of `columns`, as one SVG.
func panels(_ charts: [SVG], columns: Int) -> SVG {
    guard let first = charts.first else { return SVG(width: 1, height: 1) }
    let rows = (charts.count + columns - 1) / columns
    var svg = SVG(width: first.width * Double(min(columns, charts.count)), height: first.height * Double(rows))
    for (i, chart) in charts.enumerated() {
        svg.embed(chart, x: Double(i % columns) * first.width, y: Double(i / columns) * first.height)
    }
    return svg
}

/// Ten distinguishable colours (Tableau's, with black in place of grey, which marks prior samples).
let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#111111", "#bcbd22", "#17becf"]
