import TensorCore

/// An optimizer's whole state: a step count and named per-parameter tensors (e.g. Adam's
/// moments). Saving it and restoring it later continues training exactly.
public struct OptimizerState: Sendable, Equatable {
    public var step: Int
    /// For each slot name (e.g. "m", "v"), one tensor per parameter, in parameter order.
    public var slots: [String: [Tensor]]

    public init(step: Int, slots: [String: [Tensor]]) {
        self.step = step
        self.slots = slots
    }
}

/// Updates a fixed list of parameters from their gradients. An optimizer supplies only its
/// per-parameter rule; the list, the step count and the state live here.
public protocol Optimizer {
    /// The parameters this optimizer owns, in order.
    var parameters: [Parameter] { get }
    /// The learning rate, which schedules may change between epochs.
    var learningRate: Float { get set }
    /// Starts one update whose gradients arrive one parameter at a time, in any order (as the
    /// backward pass completes them: see `ForwardPass.backward`). Every parameter must then get
    /// exactly one `apply` before the next `beginStep`.
    mutating func beginStep()
    /// The current step's update of `parameters[index]` from its gradient.
    mutating func apply(_ index: Int, gradient: Tensor)
    /// The state to save in a checkpoint.
    var state: OptimizerState { get }
    /// Continues from a saved state; throws if it does not fit these parameters.
    mutating func restore(_ state: OptimizerState) throws
}

extension Optimizer {
    /// Applies one update: `gradients[i]` belongs to `parameters[i]`.
    public mutating func update(_ gradients: [Tensor]) {
        precondition(gradients.count == parameters.count, "\(Self.self): \(gradients.count) gradients for \(parameters.count) parameters")
        beginStep()
        for i in parameters.indices { apply(i, gradient: gradients[i]) }
    }
}

/// A saved optimizer state that does not fit the optimizer it is restored into.
public struct OptimizerStateMismatch: Error, CustomStringConvertible {
    public let description: String
}

func checkState(_ state: OptimizerState, names: [String], parameters: [Parameter]) throws {
    for name in names {
        guard let tensors = state.slots[name] else {
            throw OptimizerStateMismatch(description: "optimizer state has no slot '\(name)'")
        }
        guard tensors.map(\.shape) == parameters.map(\.shape) else {
            throw OptimizerStateMismatch(description: "optimizer state slot '\(name)' has shapes \(tensors.map(\.shape)), parameters have \(parameters.map(\.shape))")
        }
    }
}
