import Datasets
import Foundation
import Models

/// About how much memory one run takes at its peak, from its configuration alone, so that
/// `aelab run` refuses a spec that cannot fit before it writes anything (the alternative is the
/// kernel killing the process mid-run). Deliberately simple and on the high side:
///
/// - weights: every parameter with its gradient and two Adam moments in each of at most two
///   phases (an AAE's encoder trains in the reconstruction and the generator phase): 6 × 4 bytes;
/// - activations: each layer's output for a batch, kept for the backward pass with its gradient,
///   doubled for the adversarial models' batch of prior and encoder codes: 4 × 4 bytes per
///   scalar of `Footprint.activationsPerExample` and row of the batch;
/// - data: the training file's images as bytes, the train, validation and test images as
///   floats;
/// - evaluation: the Parzen window's generated samples and its 500-row block of distances, and
///   the largest of a 1,000-sample chunk of importance sampling through the networks.
///
/// Measured against the peak resident memory `aelab run` reports (tests and docs/spec.md).
public struct MemoryEstimate: Sendable, Equatable {
    public var weights = 0
    public var activations = 0
    public var data = 0
    public var evaluation = 0
    /// What every run process holds besides (the Swift runtime, OpenBLAS's buffers, HDF5).
    public static let processOverhead = 96 << 20

    public var total: Int { weights + activations + data + evaluation + Self.processOverhead }

    public init(run: RunConfig) {
        let footprint = Autoencoder.footprint(family: run.family, config: run.modelConfig)
        let info = (try? DatasetInfo.named(run.dataset)) ?? .mnist
        let pixels = run.modelConfig.inputs
        let validation = run.datasetOptions.validationSize
        let train = run.datasetOptions.trainLimit ?? (info.trainImageCount - validation)
        let test = run.datasetOptions.testLimit ?? info.testImageCount
        let batch = run.training.batchSize * (run.family.hasDiscriminator ? 2 : 1)
        weights = 4 * (6 * footprint.parameters + footprint.buffers)
        activations = 4 * 4 * batch * footprint.activationsPerExample
        data = info.trainImageCount * pixels + 4 * pixels * (train + validation + test)
        let parzen = 4 * run.evaluation.parzen.generatedSamples * (pixels + 500)
        let importance = run.family.hasImportanceSampledLikelihood
            ? 4 * Swift.min(run.evaluation.importanceSampling.samples, 1000) * footprint.activationsPerExample : 0
        evaluation = Swift.max(parzen, importance)
    }

    /// "12.3 GiB (weights 9.0, activations 2.1, data 0.2, evaluation 0.9, the process 0.1)"
    public var description: String {
        func gib(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / Double(1 << 30)) }
        return "\(gib(total)) GiB (weights with gradients and Adam moments \(gib(weights)), activations "
            + "\(gib(activations)), data \(gib(data)), evaluation \(gib(evaluation)), the process \(gib(Self.processOverhead)))"
    }
}

/// The memory this process may use: the machine's (`MemTotal`), or its control group's limit
/// when that is lower (`memory.max`, cgroup v2; `memory.limit_in_bytes`, v1). nil if unknown.
public func availableMemory() -> Int? {
    var limits: [Int] = []
    if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
       let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") }),
       let kib = Int(line.split(separator: " ").dropFirst().first ?? "") {
        limits.append(kib * 1024)
    }
    for file in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
        if let text = try? String(contentsOfFile: file, encoding: .utf8),
           let bytes = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes > 0 {
            limits.append(bytes)
        }
    }
    return limits.min()
}

extension Runner {
    /// Why the runs that would train cannot fit in `available` bytes, `jobs` at a time (the
    /// largest ones together), or nil: checked before anything is written, also on a dry run.
    public func memoryProblem(jobs: Int, available: Int?) -> String? {
        guard let available else { return nil }
        let estimates = selectedRuns.filter { plan(for: $0).trains }
            .map { (run: $0, estimate: MemoryEstimate(run: $0)) }
            .sorted { $0.estimate.total > $1.estimate.total }
        guard let largest = estimates.first else { return nil }
        let together = estimates.prefix(max(1, jobs)).reduce(0) { $0 + $1.estimate.total }
        guard together > available else { return nil }
        func gib(_ bytes: Int) -> String { String(format: "%.1f GiB", Double(bytes) / Double(1 << 30)) }
        let limit = "this machine allows \(gib(available))"
        if largest.estimate.total > available {
            return "\(largest.run.id) needs about \(largest.estimate.description), and \(limit); "
                + "make its networks or its batch smaller"
        }
        return "\(min(jobs, estimates.count)) runs at once (--jobs \(jobs)) need about \(gib(together)) "
            + "(\(largest.run.id) alone \(gib(largest.estimate.total))), and \(limit); run fewer at once"
    }
}
