import ArgumentParser
import Datasets
import Experiments
import Foundation
import ResultStore
import TensorCore

/// `aelab evaluate`: re-evaluate a stored run.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Recompute a stored run's Parzen log-likelihood, e.g. with more samples or another σ grid.",
        discussion: """
        The model is rebuilt from the run file alone (its resolved configuration and weights); new samples are drawn from the run's "generate" stream, σ is chosen on the validation slice and the test images are evaluated at it. The file's /eval/parzen is replaced (atomically) and its OpenBLAS kernel family added to /@blas_cores and this build to /@aelab_version; with the run's own settings, thread count and kernels the value is the run's again.
        Example: aelab evaluate results/mnist-sweep/runs/aae-z8-d0-s1.h5 --samples 20000 --sigma-grid 0.1:1:20
        """
    )

    @Argument(help: "A complete run file.") var file: String
    @Option(parsing: .unconditional, help: "Generated samples (default: the run's setting).") var samples: Int?
    @Option(parsing: .unconditional, help: "Test points (default: the run's setting).") var testPoints: Int?
    @Option(parsing: .unconditional, help: "σ grid: MIN:MAX:COUNT (log-spaced) or a comma-separated list (default: the run's).") var sigmaGrid: String?
    @Option(parsing: .unconditional, help: "Threads, for OpenBLAS and AELab's own loops.") var threads = 2

    func validate() throws {
        if let samples, samples < 1 { throw ValidationError("--samples must be at least 1, got \(samples)") }
        if let testPoints, testPoints < 1 { throw ValidationError("--test-points must be at least 1, got \(testPoints)") }
        guard threads > 0 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        _ = try sigmaGrid.map(Self.parseGrid)
    }

    func run() throws {
        ComputeEnvironment.configure(threads: threads)
        let grid = try sigmaGrid.map(Self.parseGrid)
        do {
            let record = try Reevaluation.run(file: file, samples: samples, sigmaGrid: grid, testPoints: testPoints) { emit($0) }
            if let p = record.parzen { emit(String(format: "%@: %.2f ± %.2f nats at σ = %.4f (written to %@)", record.attributes.runID, p.logLikelihood, p.standardError, p.sigma, file)) }
        } catch let error as DatasetError {
            throw failure(error.description)
        } catch let error as RunStateError {
            throw failure(error.description)
        } catch let error as HDF5Error {
            throw failure(error.description)
        }
    }

    static func parseGrid(_ text: String) throws -> [Double] {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 3 {
            guard let lo = Double(parts[0]), let hi = Double(parts[1]), let n = Int(parts[2]) else {
                throw ValidationError("--sigma-grid \(text): expected MIN:MAX:COUNT with numbers MIN, MAX and a whole COUNT, e.g. 0.1:1:40")
            }
            guard lo > 0 else { throw ValidationError("--sigma-grid \(text): MIN must be positive, got \(parts[0])") }
            guard hi > lo else { throw ValidationError("--sigma-grid \(text): MAX (\(parts[1])) must exceed MIN (\(parts[0]))") }
            guard hi.isFinite else { throw ValidationError("--sigma-grid \(text): MAX must be finite") }
            guard n >= 2 else { throw ValidationError("--sigma-grid \(text): COUNT must be at least 2 (one σ: write it alone, e.g. --sigma-grid 0.2)") }
            return (0..<n).map { lo * Foundation.pow(hi / lo, Double($0) / Double(n - 1)) }
        }
        let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0.map { $0 > 0 && $0.isFinite } ?? false }) else {
            throw ValidationError("--sigma-grid must be MIN:MAX:COUNT or a comma-separated list of positive, finite numbers, got '\(text)'")
        }
        return values.map { $0! }
    }
}
