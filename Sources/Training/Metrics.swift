/// Per-epoch metrics: one series per name (loss terms, seconds), index = epoch − 1.
public struct MetricsHistory: Sendable, Equatable {
    public var train: [String: [Double]] = [:]
    public var validation: [String: [Double]] = [:]

    public init() {}

    /// The number of epochs recorded.
    public var epochs: Int { train.values.map(\.count).max() ?? 0 }

    /// A name first seen after epoch 1 (a run resumed by a build that records more) gets NaN for
    /// the epochs before, so that every series keeps index = epoch − 1.
    mutating func append(_ metrics: EpochMetrics) {
        let before = epochs
        for (name, value) in metrics.train { train[name, default: Array(repeating: .nan, count: before)].append(value) }
        for (name, value) in metrics.validation {
            validation[name, default: Array(repeating: .nan, count: before)].append(value)
        }
    }
}

/// What one epoch produced.
public struct EpochMetrics: Sendable, Equatable {
    /// 1-based.
    public var epoch: Int
    /// Means over the epoch's batches (weighted by batch size) of every loss term, and the
    /// bookkeeping entries "seconds" and "blas_threads".
    public var train: [String: Double]
    /// Loss terms on the validation slice, in evaluation mode.
    public var validation: [String: Double]
}

extension EpochMetrics {
    /// The entries of `train` that are not losses: the epoch's wall-clock time, and the OpenBLAS
    /// thread count it ran with (products differ in their last bits between thread counts, so
    /// two runs' losses can be bit-identical only where it agrees).
    public static let bookkeeping: Set<String> = ["seconds", "blas_threads"]
}

/// A loss that is not finite: training stops, and the run is recorded as failed with this reason.
public struct DivergenceError: Error, CustomStringConvertible, Equatable {
    public let epoch: Int
    public let batch: Int
    public let phase: String
    public let term: String
    public let value: Float

    public var description: String {
        "diverged at epoch \(epoch), batch \(batch), phase '\(phase)': \(term) = \(value)"
    }
}

/// Sums of loss terms over batches, kept in first-seen order.
struct RunningMeans {
    private(set) var names: [String] = []
    private var sums: [String: Double] = [:]
    private var weight = 0.0

    mutating func add(_ terms: [(name: String, value: Float)], weight w: Int) {
        for (name, value) in terms {
            if sums[name] == nil { names.append(name) }
            sums[name, default: 0] += Double(value) * Double(w)
        }
    }

    /// Adds the weight of one batch once, after all its phases.
    mutating func addWeight(_ w: Int) { weight += Double(w) }

    var means: [String: Double] { sums.mapValues { $0 / max(weight, 1) } }
}
