import Foundation
import Models
import ResultStore
import TensorCore

/// How the encoder's codes of test images sit against samples of the prior, from a run file's
/// figure data, for the models whose regulariser is an adversary matching the two (AAE, CAAE,
/// WAE-GAN: their generator samples that prior). For the VAEs and the AE the "prior samples" are
/// what they generate from (N(0, I); a Gaussian fitted to the codes), which their codes are not
/// trained to match, so there is none.
///
/// The stored codes are the encoder's output in evaluation mode: with a Gaussian head, the means
/// μ, where the adversary saw μ + σ·ε. A radius and per-coordinate spreads summarise a Gaussian
/// prior well; for a mixture or swiss-roll prior the latent scatter says more.
public struct CodeMatch: Sendable, Equatable {
    /// The families with a latent adversary (the registry's `hasDiscriminator`).
    public static var adversarialModels: Set<String> { Set(ModelRegistry.adversarialNames) }
    /// Standard deviation of each latent coordinate: codes, prior samples.
    public var codeStd: [Double]
    public var priorStd: [Double]
    /// Median distance from the origin: codes, prior samples.
    public var codeRadius: Double
    public var priorRadius: Double
    public var codes: Int
    public var priorSamples: Int

    /// Whether the codes are a Gaussian head's means μ (the resolved spec names the head).
    public var codesAreMeans: Bool

    /// Nil for a model without a latent adversary, and when the record lacks codes or prior
    /// samples of the same width, or holds values that are not finite.
    public init?(_ record: RunRecord) {
        guard Self.adversarialModels.contains(record.attributes.model),
              let codes = record.figures[FigureData.codes], let prior = record.figures[FigureData.priorSamples],
              codes.rank == 2, prior.rank == 2, codes.columns == prior.columns, codes.rows > 1, prior.rows > 1,
              codes.isFinite, prior.isFinite else { return nil }
        codesAreMeans = record.attributes.spec.range(of: #""encoder_head"\s*:\s*"gaussian""#, options: .regularExpression) != nil
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

    /// What the codes are: "codes" or "code means μ".
    public var codesName: String { codesAreMeans ? "code means μ" : "codes" }

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
