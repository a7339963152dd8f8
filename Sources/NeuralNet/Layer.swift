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

/// What a forward pass needs besides its input: the mode, and the random streams it draws from
/// in training: one for dropout masks, one for noise (reparameterisation ε, the universal
/// approximator's η, prior draws). Evaluation draws from neither.
public struct ForwardContext {
    public var mode: Mode
    public var dropout: RandomStream
    public var noise: RandomStream
    /// In evaluation, whether stochastic encoders still sample z (for a validation ELBO) rather
    /// than return their mean.
    public var samplesPosterior = false

    public init(mode: Mode, seed: UInt64 = 0) {
        self.init(mode: mode, dropout: RandomStream(seed: seed, purpose: "dropout"),
                  noise: RandomStream(seed: seed, purpose: "noise"))
    }

    public init(mode: Mode, dropout: RandomStream, noise: RandomStream) {
        self.mode = mode
        self.dropout = dropout
        self.noise = noise
    }

    public static var evaluation: ForwardContext { ForwardContext(mode: .evaluation) }
}
