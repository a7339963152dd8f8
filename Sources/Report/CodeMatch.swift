import Foundation
import ResultStore
import TensorCore

/// How the encoder's codes of test images sit against samples of the prior, from a run file's
/// figure data: what an adversarial regulariser is meant to make equal. Where the codes spread
/// wider than the prior, samples drawn from the prior decode from places the decoder has seen
/// little of; the AAE without dropout of the paper's spec ended with codes at twice the prior's
/// radius and a Parzen value far below the run with dropout, whose codes matched it.
public struct CodeMatch: Sendable, Equatable {
    /// Standard deviation of each latent coordinate: codes, prior samples.
    public var codeStd: [Double]
    public var priorStd: [Double]
    /// Median distance from the origin: codes, prior samples.
    public var codeRadius: Double
    public var priorRadius: Double
    public var codes: Int
    public var priorSamples: Int

    /// Nil when the record lacks codes or prior samples of the same width.
    public init?(_ record: RunRecord) {
        guard let codes = record.figures[FigureData.codes], let prior = record.figures[FigureData.priorSamples],
              codes.rank == 2, prior.rank == 2, codes.columns == prior.columns, codes.rows > 1, prior.rows > 1 else { return nil }
        (codeStd, codeRadius) = Self.summary(codes)
        (priorStd, priorRadius) = Self.summary(prior)
        self.codes = codes.rows
        priorSamples = prior.rows
    }

    static func summary(_ t: Tensor) -> (std: [Double], radius: Double) {
        let n = t.rows, d = t.columns, x = t.scalars.map(Double.init)
        let std = (0..<d).map { j -> Double in
            let column = (0..<n).map { x[$0 * d + j] }
            let mean = column.reduce(0, +) / Double(n)
            return (column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)).squareRoot()
        }
        let radii = (0..<n).map { i in (0..<d).reduce(0) { $0 + x[i * d + $1] * x[i * d + $1] }.squareRoot() }.sorted()
        let median = n % 2 == 1 ? radii[n / 2] : (radii[n / 2 - 1] + radii[n / 2]) / 2
        return (std, median)
    }

    /// "median distance from the origin 27.3 (prior 13.6, ×2.01)".
    public var radiusText: String {
        String(format: "median distance from the origin %.3g (prior samples %.3g, ×%.2f)", codeRadius, priorRadius,
               priorRadius > 0 ? codeRadius / priorRadius : .nan)
    }

    /// "std per coordinate 8.1 9.07 … (prior samples 4.93 5.01 …)".
    public var stdText: String {
        func list(_ v: [Double]) -> String { v.map { String(format: "%.3g", $0) }.joined(separator: " ") }
        return "std per coordinate \(list(codeStd)) (prior samples \(list(priorStd)))"
    }
}
