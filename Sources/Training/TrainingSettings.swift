/// How the learning rate changes over epochs.
public enum LearningRateSchedule: Sendable, Equatable {
    case constant
    /// lr × factor^⌊epoch / every⌋ (epochs counted from 0).
    case step(every: Int, factor: Float)

    /// The multiplier for `epoch` (0-based).
    public func factor(atEpoch epoch: Int) -> Float {
        switch self {
        case .constant: return 1
        case .step(let every, let factor):
            var f: Float = 1
            for _ in 0..<(epoch / max(every, 1)) { f *= factor }
            return f
        }
    }
}

/// The trainer's settings. Every phase of a model gets its own Adam; the phase's group picks the
/// learning rate.
public struct TrainingSettings: Sendable, Equatable {
    public var epochs = 20
    public var batchSize = 100
    /// Learning rate of the reconstruction phases (encoder + decoder).
    public var reconstructionLearningRate: Float = 1e-3
    /// Learning rate of the regularisation phases (discriminator, generator).
    public var regularizationLearningRate: Float = 1e-4
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var schedule: LearningRateSchedule = .constant
    /// Seeds every random stream of the run: "init", "shuffle", "dropout", "noise", "validation".
    public var seed: UInt64 = 1
    /// Whether the last, smaller batch of an epoch is dropped.
    public var dropLast = false

    public init() {}
}
