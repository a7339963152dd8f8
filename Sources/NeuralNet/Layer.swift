import TensorCore

/// Anything that owns trainable parameters, each with a stable name (used in HDF5 files and
/// checkpoints, e.g. `"0.weight"` for the first linear layer of a block).
public protocol Layer {
    var namedParameters: [(name: String, parameter: Parameter)] { get }
}

extension Layer {
    /// The parameters, in the order of `namedParameters`.
    public var parameters: [Parameter] { namedParameters.map(\.parameter) }
    /// The total number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }
}

/// Whether layers behave as in training (dropout active, batch statistics) or evaluation.
public enum Mode: Sendable {
    case training, evaluation
}

/// What a forward pass needs besides its input: the mode and a random stream for dropout.
/// (Evaluation never draws from the stream.)
public struct ForwardContext {
    public var mode: Mode
    public var random: RandomStream

    public init(mode: Mode, random: RandomStream = RandomStream(seed: 0, purpose: "unused")) {
        self.mode = mode
        self.random = random
    }

    public static var evaluation: ForwardContext { ForwardContext(mode: .evaluation) }
}
