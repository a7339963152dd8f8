import Foundation
import ResultStore
import TensorCore

/// Run records with every field the report draws, made from closed-form pictures (rings whose
/// size and position depend on the class or the latent point), so tests need no training.
enum SyntheticRuns {
    /// SplitMix64: a tiny deterministic generator for the test data.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func normal() -> Double { (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * .pi * uniform()) }
    }

    /// A 28 × 28 ring centred at (cx, cy) with radii (rx, ry), intensities in [0, 1].
    static func ring(cx: Double, cy: Double, rx: Double, ry: Double, width: Double = 1.6) -> [Float] {
        (0..<784).map { i in
            let (x, y) = (Double(i % 28) - cx, Double(i / 28) - cy)
            let r = ((x / rx) * (x / rx) + (y / ry) * (y / ry)).squareRoot()
            let distance = abs(r - 1) * min(rx, ry)
            return Float(exp(-distance * distance / (2 * width * width / 4)))
        }
    }

    static func classImage(_ k: Int, _ g: inout Generator) -> [Float] {
        ring(cx: 14 + g.normal(), cy: 14 + g.normal(), rx: 3 + Double(k) * 0.7 + g.normal() * 0.3,
             ry: 9 - Double(k) * 0.4 + g.normal() * 0.3)
    }

    static func record(model: String, latent: Int, dropout: Double = 0, seed: Int = 1, ll: Double?,
                       dataset: String = "mnist", epochs: Int = 12) -> RunRecord {
        var g = Generator(state: UInt64(latent * 1000 + seed) &+ model.utf8.reduce(UInt64(0)) { $0 &* 31 &+ UInt64($1) })
        let id = "\(model)-z\(latent)-d\(formatted(dropout))-s\(seed)"
        let attributes = RunAttributes(experiment: "synthetic", runID: id, model: model, latentDim: latent, dropout: dropout,
                                       seed: seed, dataset: dataset, status: ll == nil ? .failed : .complete,
                                       failure: ll == nil ? "diverged at epoch 3, batch 17, phase 'reconstruction': reconstruction = nan" : "",
                                       spec: #"{"model": {"reconstruction": "bce"}}"#, started: "2025-01-01T00:00:00Z",
                                       finished: "2025-01-01T00:10:00Z", aelabVersion: "0.1.0")
        var record = RunRecord(attributes: attributes)
        guard !model.hasPrefix("baseline") else {
            record.parzen = parzen(ll ?? 0, &g)
            return record
        }
        let shown = ll == nil ? 3 : epochs
        let terms = ["reconstruction": 180.0] .merging(model == "aae" ? ["discriminator": 1.3, "generator": 0.7] : model == "vae" ? ["kl": 25] : [:]) { a, _ in a }
        for (term, start) in terms {
            record.trainMetrics[term] = (0..<shown).map { e in start * (0.55 + 0.45 * exp(-Double(e) / 3)) + g.normal() * start * 0.01 }
            record.validationMetrics[term] = (0..<shown).map { e in start * (0.6 + 0.45 * exp(-Double(e) / 3)) + g.normal() * start * 0.01 }
        }
        record.trainMetrics["seconds"] = Array(repeating: 41.5, count: shown)
        guard let ll else { return record }
        record.parzen = parzen(ll, &g)
        record.generatedSamples = images(100, &g)
        let originals = images(30, &g)
        record.figures[FigureData.originals] = originals
        record.figures[FigureData.reconstructions] = Tensor(shape: originals.shape, scalars: originals.scalars.map { 0.85 * $0 + 0.05 })
        if latent == 2 {
            let axis = (0..<20).map { -2 + 4 * Double($0) / 19 }
            let grid = axis.flatMap { z2 in axis.map { z1 in ring(cx: 14 + 2 * z1, cy: 14 - 2 * z2, rx: 4 + z1, ry: 7 - z2) } }
            record.figures[FigureData.manifold] = Tensor(shape: [400, 784], scalars: grid.flatMap { $0 })
            record.figures[FigureData.manifoldAxis] = Tensor(shape: [20], scalars: axis.map(Float.init))
        }
        let labels = (0..<1000).map { $0 % 10 }
        let codes = labels.flatMap { k in
            (0..<latent).map { j in
                Float((j == 0 ? 2.2 * cos(Double(k) * 0.628) : j == 1 ? 2.2 * sin(Double(k) * 0.628) : 0.3 * Double(k % 3)) + 0.45 * g.normal())
            }
        }
        record.figures[FigureData.codes] = Tensor(shape: [1000, latent], scalars: codes)
        record.figures[FigureData.codeLabels] = Tensor(shape: [1000], scalars: labels.map(Float.init))
        record.figures[FigureData.priorSamples] = Tensor(shape: [1000, latent], scalars: (0..<(1000 * latent)).map { _ in Float(1.5 * g.normal()) })
        return record
    }

    /// An experiment: three models at z = 2 and 8, one failed run, one baseline.
    static var experiment: [RunRecord] {
        [record(model: "ae", latent: 2, ll: 120), record(model: "vae", latent: 2, ll: 210), record(model: "aae", latent: 2, ll: 305),
         record(model: "aae", latent: 8, ll: 331), record(model: "ae", latent: 8, ll: 241), record(model: "vae", latent: 8, ll: nil),
         record(model: "baseline-train", latent: 0, ll: 232)]
    }

    static func images(_ k: Int, _ g: inout Generator) -> Tensor {
        Tensor(shape: [k, 784], scalars: (0..<k).flatMap { classImage($0 % 10, &g) })
    }

    static func parzen(_ ll: Double, _ g: inout Generator) -> ParzenRecord {
        let grid = (0..<10).map { pow(10, -1 + Double($0) / 9) }
        let validation = grid.map { s in ll - 900 * pow(log10(s / 0.22), 2) - 5 }
        return ParzenRecord(logLikelihood: ll, standardError: 2.1, sigma: 0.2154, generatedSamples: 10_000, testPoints: 10_000,
                            sigmaGrid: grid, sigmaValidationLL: validation, testLL: [ll])
    }

    private static func formatted(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
}
