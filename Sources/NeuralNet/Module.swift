import TensorCore

/// Anything with parameters, in the spirit of `torch.nn.Module`: a forward pass with the
/// training context, trainable parameters and non-trainable buffers, each with a stable name
/// (`"weight"`; `"3.weight"` inside a `Sequential`), and its whole state to save and load.
///
/// Inputs and outputs are batches: `[batch, features]` for dense layers, `[batch, C, H, W]`
/// for convolutions. A module that draws randomness (dropout) takes it from the context.
public protocol Module: AnyObject {
    /// x: [batch, …] -> [batch, …]
    func callAsFunction(_ x: Variable, _ context: inout ForwardContext) -> Variable
    /// The trainable tensors, in a fixed order (the optimizers' order).
    var namedParameters: [(name: String, parameter: Parameter)] { get }
    /// Non-trainable state saved with the parameters (batch norm's running statistics).
    var namedBuffers: [(name: String, value: Tensor)] { get }
    /// Replaces buffer `name` (one of `namedBuffers`, of the same shape).
    func setBuffer(_ name: String, to value: Tensor)
}

extension Module {
    public var namedBuffers: [(name: String, value: Tensor)] { [] }
    public func setBuffer(_ name: String, to value: Tensor) {
        preconditionFailure("\(Self.self) has no buffer \(name)")
    }

    /// The parameters, in the order of `namedParameters`.
    public var parameters: [Parameter] { namedParameters.map(\.parameter) }
    /// The total number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Every tensor that defines the module: the parameters, then the buffers, by name.
    public var state: [(name: String, value: Tensor)] {
        namedParameters.map { ($0.name, $0.parameter.value) } + namedBuffers
    }

    /// Sets every parameter and buffer from `state` (by name); throws, changing nothing, when one
    /// is missing or has another shape. Entries the module does not have are ignored.
    public func load(state: [String: Tensor]) throws(ModuleStateError) {
        for (name, parameter) in namedParameters { try Self.check(state[name], name, parameter.shape) }
        for (name, value) in namedBuffers { try Self.check(state[name], name, value.shape) }
        for (name, parameter) in namedParameters { parameter.value = state[name]! }
        for (name, _) in namedBuffers { setBuffer(name, to: state[name]!) }
    }

    private static func check(_ value: Tensor?, _ name: String, _ shape: [Int]) throws(ModuleStateError) {
        guard let value else { throw ModuleStateError(name: name, message: "missing") }
        guard value.shape == shape else {
            throw ModuleStateError(name: name, message: "has shape \(value.shape), expected \(shape)")
        }
    }
}

/// A saved state that does not fit the module it is loaded into.
public struct ModuleStateError: Error, CustomStringConvertible {
    /// The tensor's name in the module (`"2.weight"`).
    public let name: String
    public let message: String
    public init(name: String, message: String) {
        self.name = name
        self.message = message
    }
    public var description: String { "\(name): \(message)" }
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
