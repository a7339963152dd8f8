import Foundation

/// A map from data values to one screen axis, linear or logarithmic (base 10), with "nice" ticks.
struct Scale {
    var lower: Double
    var upper: Double
    /// Screen coordinates of `lower` and `upper` (upper may be smaller, as for a y axis).
    var from: Double
    var to: Double
    var logarithmic = false
    /// The smallest tick step of a linear scale (1 for counts such as epochs).
    var minimumStep = 0.0

    /// A linear scale over [min, max] of `values`, widened to whole tick steps (at least
    /// `minimumStep`) unless `tight`; a single value gets a range around it.
    static func linear(covering values: [Double], from: Double, to: Double, minimumStep: Double = 0, tight: Bool = false) -> Scale {
        let finite = values.filter(\.isFinite)
        var lo = finite.min() ?? 0, hi = finite.max() ?? 1
        if hi - lo < 1e-12 * max(abs(lo), 1) { lo -= max(0.5 * abs(lo), minimumStep, 0.5); hi += max(0.5 * abs(hi), minimumStep, 0.5) }
        let step = max(niceStep((hi - lo) / 5), minimumStep)
        if tight { return Scale(lower: lo, upper: hi, from: from, to: to, minimumStep: minimumStep) }
        return Scale(lower: (lo / step + 1e-9).rounded(.down) * step, upper: (hi / step - 1e-9).rounded(.up) * step,
                     from: from, to: to, minimumStep: minimumStep)
    }

    /// A log scale over the whole decades that cover the positive `values`.
    static func log(covering values: [Double], from: Double, to: Double) -> Scale {
        let positive = values.filter { $0 > 0 && $0.isFinite }
        let lo = positive.min() ?? 0.1, hi = positive.max() ?? 1
        return Scale(lower: pow(10, (log10(lo) + 1e-9).rounded(.down)), upper: pow(10, (log10(hi) - 1e-9).rounded(.up)),
                     from: from, to: to, logarithmic: true).widened(ifEqual: lo == hi)
    }

    private func widened(ifEqual: Bool) -> Scale {
        guard ifEqual, lower == upper else { return self }
        var s = self
        s.upper = lower * 10
        return s
    }

    func callAsFunction(_ x: Double) -> Double {
        let t = logarithmic ? (log10(x) - log10(lower)) / (log10(upper) - log10(lower)) : (x - lower) / (upper - lower)
        return from + t * (to - from)
    }

    /// Tick positions: multiples of a 1-2-5 step (linear), or 1, 2, 5 × powers of ten (log).
    var ticks: [Double] {
        if logarithmic {
            let decades = Int(log10(upper / lower).rounded())
            let mantissas: [Double] = decades <= 2 ? [1, 2, 5] : [1]
            let exponents = Int(log10(lower).rounded())...Int(log10(upper).rounded())
            let candidates: [Double] = exponents.flatMap { e in mantissas.map { m in m * pow(10.0, Double(e)) } }
            return candidates.filter { $0 >= lower * (1 - 1e-9) && $0 <= upper * (1 + 1e-9) }
        }
        let step = max(Self.niceStep((upper - lower) / 5), minimumStep)
        guard step > 0, (upper - lower) / step < 50 else { return [lower, upper] }
        let first = (lower / step - 1e-9).rounded(.up), last = (upper / step + 1e-9).rounded(.down)
        return stride(from: first, through: last, by: 1).map { $0 * step }
    }

    /// Tick labels written with as many decimals as the step needs ("0.25", "1e+03" when huge).
    func label(_ x: Double) -> String {
        if logarithmic || abs(x) >= 1e5 || (abs(x) < 1e-3 && x != 0) { return String(format: "%g", x) }
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        let decimals = max(0, Int((-log10(step)).rounded(.up)))
        return String(format: "%.\(decimals)f", x == 0 ? 0 : x)
    }

    /// The 1, 2 or 5 × 10^k nearest above `rough`.
    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let power = pow(10, log10(rough).rounded(.down))
        let m = rough / power
        return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * power
    }
}
