import Evaluation
import Foundation

/// `evaluation`: how a trained model is scored.
public struct EvaluationSettings: Codable, Sendable, Equatable {
    public internal(set) var parzen: ParzenSettings
    public internal(set) var importanceSampling: ImportanceSamplingSettings
    /// Generated images stored in each run file for the report's figures.
    public internal(set) var figureSamples: Int
    /// The decoded manifold of 2-D codes: a `manifoldSize` × `manifoldSize` grid over
    /// [−manifoldRange, manifoldRange]² (nil: ±2 scales of the distribution the model samples from).
    public internal(set) var manifoldSize: Int
    public internal(set) var manifoldRange: Double?

    init(_ f: Fields) throws {
        try f.only(["parzen", "importance_sampling", "figure_samples", "manifold_size", "manifold_range"])
        parzen = try ParzenSettings(f.object("parzen"))
        importanceSampling = try ImportanceSamplingSettings(f.object("importance_sampling"))
        figureSamples = try f.int("figure_samples", default: 100, min: 0)
        manifoldSize = try f.int("manifold_size", default: 20, min: 2, max: 100)
        manifoldRange = try f.optionalNumber("manifold_range", .positive)
    }

    var json: JSONValue {
        .object(["parzen": parzen.json, "importance_sampling": importanceSampling.json,
                 "figure_samples": JSONValue(figureSamples), "manifold_size": JSONValue(manifoldSize),
                 "manifold_range": manifoldRange.map { JSONValue($0) } ?? .null])
    }

    public init(from decoder: any Decoder) throws { try self.init(Fields(decoder)) }
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

/// The Parzen-window protocol: σ chosen on validation images from `sigmaGrid`, the mean
/// log-likelihood reported on test images.
public struct ParzenSettings: Sendable, Equatable {
    /// Samples drawn from the model to place the kernels on.
    public internal(set) var generatedSamples: Int
    /// Test images scored (the first ones of the test split).
    public internal(set) var testPoints: Int
    /// Validation images σ is chosen on (at most `dataset.validation_size`).
    public internal(set) var validationPoints: Int
    /// The σ values tried, explicit (`{min, max, count}` in a spec is expanded by logspace).
    public internal(set) var sigmaGrid: [Double]

    init(_ f: Fields) throws {
        try f.only(["generated_samples", "test_points", "validation_points", "sigma_grid"])
        generatedSamples = try f.int("generated_samples", default: 10_000, min: 1)
        testPoints = try f.int("test_points", default: 10_000, min: 1)
        validationPoints = try f.int("validation_points", default: 1000, min: 0)
        sigmaGrid = try Self.sigmaGrid(f["sigma_grid"], at: f.path + "sigma_grid")
        if validationPoints == 0 && sigmaGrid.count > 1 {
            throw f.problem("validation_points", "expected an integer ≥ 1 to choose among \(sigmaGrid.count) σ values, got 0")
        }
    }

    /// An explicit list of σ > 0, or `{"min": a, "max": b, "count": n}`: n values from a to b evenly
    /// spaced in log (numpy's logspace); the default is 0.1 to 1 in 40 values. (The GAN paper's
    /// script takes 10, a factor 1.29 between neighbours: near the best σ the log-likelihood falls
    /// by several nats over such a step, e.g. 342.0 → 338.1 from σ 0.153 to 0.166 in the
    /// PaddlePaddle AAE reproduction's own validation curve.)
    static func sigmaGrid(_ value: JSONValue?, at path: JSONPath) throws -> [Double] {
        switch value ?? .object([:]) {
        case .array(let values):
            guard !values.isEmpty else { throw SpecProblem(path, "expected at least one σ value") }
            return try values.enumerated().map { i, v in try v.number(at: path + i, .positive) }
        case .object(let o):
            let f = try Fields(.object(o), at: path)
            try f.only(["min", "max", "count"])
            let low = try f.number("min", default: 0.1, .positive), high = try f.number("max", default: 1, .positive)
            let count = try f.int("count", default: 40, min: 1)
            guard count == 1 || high > low else {
                throw f.problem("max", "expected a number > min (\(low)) for \(count) values, got \(high)")
            }
            return ParzenWindow.logspace(log10(low), log10(high), count: count)
        case let other:
            throw SpecProblem(path, "expected a list of σ values or {\"min\": …, \"max\": …, \"count\": …}, got \(other.rendered)")
        }
    }

    var json: JSONValue {
        .object(["generated_samples": JSONValue(generatedSamples), "test_points": JSONValue(testPoints),
                 "validation_points": JSONValue(validationPoints), "sigma_grid": JSONValue(sigmaGrid)])
    }
}

/// Importance-sampled log-likelihood (for models with a Gaussian encoder head):
/// log p(x) ≈ log (1/K) Σₖ p(x | zₖ) p(zₖ) / q(zₖ | x) with zₖ ~ q(z | x).
public struct ImportanceSamplingSettings: Sendable, Equatable {
    /// K, the draws per image.
    public internal(set) var samples: Int
    /// Test images scored; 0 skips this evaluation.
    public internal(set) var testPoints: Int

    init(_ f: Fields) throws {
        try f.only(["samples", "test_points"])
        samples = try f.int("samples", default: 5000, min: 1)
        testPoints = try f.int("test_points", default: 1000, min: 0)
    }

    var json: JSONValue { .object(["samples": JSONValue(samples), "test_points": JSONValue(testPoints)]) }
}
