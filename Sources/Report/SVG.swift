import Foundation

/// A standalone SVG document built from elements in drawing order (later elements on top).
/// Text uses the browser's sans-serif font, so the file needs nothing from outside.
struct SVG {
    var width: Double
    var height: Double
    private(set) var elements: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// The whole document, with a white background.
    var document: String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" \
        viewBox="0 0 \(n(width)) \(n(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        \(elements.joined(separator: "\n"))
        </svg>

        """
    }

    mutating func raw(_ element: String) { elements.append(element) }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String,
                       width: Double = 1, dash: String? = nil) {
        raw("<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\" "
            + "stroke-width=\"\(n(width))\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>")
    }

    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.8, dash: String? = nil) {
        guard points.count > 1 else { return }
        let list = points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
        raw("<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\" "
            + "stroke-linejoin=\"round\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>")
    }

    mutating func circle(_ x: Double, _ y: Double, r: Double, fill: String, extra: String = "") {
        raw("<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(r))\" fill=\"\(fill)\"\(extra)/>")
    }

    /// Discs of radius `r` in one colour, as one path of zero-length strokes with round caps
    /// (`M x yh0`, each painted as a disc of diameter 2r), at 0.1 px: about 14 bytes a dot where a
    /// `<circle>` takes 60, which keeps a scatter of thousands of points small. `opacity` applies
    /// to the path as a whole, so dots of one call do not darken each other where they overlap.
    mutating func dots(_ points: [(Double, Double)], r: Double, fill: String, opacity: Double = 1) {
        guard !points.isEmpty else { return }
        var path = ""
        path.reserveCapacity(points.count * 16)
        for (x, y) in points { path += "M" + n(x, decimals: 1) + " " + n(y, decimals: 1) + "h0" }
        raw("<path d=\"\(path)\" fill=\"none\" stroke=\"\(fill)\" stroke-width=\"\(n(2 * r))\" stroke-linecap=\"round\""
            + (opacity < 1 ? " stroke-opacity=\"\(n(opacity))\"/>" : "/>"))
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String = "none") {
        raw("<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(h))\" fill=\"\(fill)\" stroke=\"\(stroke)\"/>")
    }

    /// `anchor`: start, middle or end; `rotate`: degrees about (x, y).
    mutating func text(_ s: String, _ x: Double, _ y: Double, anchor: String = "start", size: Double = 12,
                       weight: String = "normal", fill: String = "#222", rotate: Double = 0) {
        let transform = rotate == 0 ? "" : " transform=\"rotate(\(n(rotate)) \(n(x)) \(n(y)))\""
        raw("<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\" font-size=\"\(n(size))\" "
            + "font-weight=\"\(weight)\" fill=\"\(fill)\"\(transform)>\(escapeXML(s))</text>")
    }

    /// Places `other` at (x, y) as a nested <svg> element (for panels).
    mutating func embed(_ other: SVG, x: Double, y: Double) {
        raw("<svg x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(other.width))\" height=\"\(n(other.height))\">\n"
            + other.elements.joined(separator: "\n") + "\n</svg>")
    }
}

/// A coordinate with at most `decimals` decimals, without trailing zeros ("12", "12.5", "-0.25");
/// non-finite values as "0".
func n(_ x: Double, decimals: Int = 2) -> String {
    guard x.isFinite else { return "0" }
    var scale = 1
    for _ in 0..<decimals { scale *= 10 }
    let units = Int((x * Double(scale)).rounded())
    let sign = units < 0 ? "-" : "", magnitude = abs(units)
    let (whole, fraction) = (magnitude / scale, magnitude % scale)
    if fraction == 0 { return units == 0 ? "0" : sign + String(whole) }
    var digits = String(fraction)
    digits = String(repeating: "0", count: decimals - digits.count) + digits
    while digits.hasSuffix("0") { digits.removeLast() }
    return sign + String(whole) + "." + digits
}

/// Text safe inside XML and HTML elements and attribute values.
func escapeXML(_ s: String) -> String {
    var out = ""
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(c)
        }
    }
    return out
}
