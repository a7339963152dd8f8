/// A trainable tensor with identity: layers hold parameters, optimizers update them in place.
public final class Parameter {
    /// The current value.
    public var value: Tensor
    public init(_ value: Tensor) { self.value = value }
    public var shape: [Int] { value.shape }
}

/// The record of one forward pass: for every tracked value, the closure that sends its gradient
/// to its inputs. A tape lives only inside `valueAndGradient` (or `withoutGradient`); there is no
/// global tape.
public final class Tape {
    /// Pushes the gradient of a node (first argument) into the gradients of its inputs.
    public typealias Backward = (Tensor, inout Gradients) -> Void

    private var backwards: [Backward?] = []
    private var leaves: [ObjectIdentifier: Variable] = [:]
    private let trainable: Set<ObjectIdentifier>
    /// False for inference: nothing is tracked, nothing is kept.
    public let isRecording: Bool

    init(trainable: [Parameter], recording: Bool) {
        self.trainable = Set(trainable.map(ObjectIdentifier.init))
        self.isRecording = recording
    }

    /// A value that gradients do not flow into (data, labels, noise).
    public func constant(_ value: Tensor) -> Variable { Variable(value: value, id: -1, tape: self) }

    /// The variable for `parameter`: tracked if it is one of the parameters being differentiated,
    /// a constant otherwise (so no gradient is computed for, say, a discriminator's weights while
    /// the encoder is trained). Every use of one parameter shares one variable.
    public func watch(_ parameter: Parameter) -> Variable {
        let key = ObjectIdentifier(parameter)
        guard isRecording, trainable.contains(key) else { return constant(parameter.value) }
        if let v = leaves[key] { return v }
        let v = Variable(value: parameter.value, id: newID(nil), tape: self)
        leaves[key] = v
        return v
    }

    /// Records an operation's result. `backward` runs only if some input is tracked; pass
    /// `inputs` so the tape can tell.
    public func record(_ value: Tensor, inputs: [Variable], _ backward: @escaping Backward) -> Variable {
        guard isRecording, inputs.contains(where: \.isTracked) else { return constant(value) }
        return Variable(value: value, id: newID(backward), tape: self)
    }

    private func newID(_ backward: Backward?) -> Int {
        backwards.append(backward)
        return backwards.count - 1
    }

    /// Walks the tape backwards from `output` (seeded with ones) and returns the gradients of the
    /// leaves. Each closure and each intermediate gradient is freed as soon as it is used.
    func backpropagate(from output: Variable) -> Gradients {
        var grads = Gradients(count: backwards.count)
        guard output.isTracked else { return grads }
        grads.accumulate(output, Tensor.ones(output.value.shape))
        for id in stride(from: output.id, through: 0, by: -1) {
            guard let backward = backwards[id] else { continue }
            backwards[id] = nil
            guard let g = grads.take(id) else { continue }
            backward(g, &grads)
        }
        return grads
    }

    func gradient(for parameter: Parameter, in grads: Gradients) -> Tensor {
        if let v = leaves[ObjectIdentifier(parameter)], let g = grads.slots[v.id] { return g }
        return Tensor.zeros(parameter.shape)
    }
}

/// A value in a forward pass, with its place on the tape (or −1 for a constant).
public struct Variable {
    public let value: Tensor
    let id: Int
    /// The tape this value was recorded on. Unowned: the tape's closures capture variables,
    /// and the tape outlives every variable used inside its closure.
    public unowned let tape: Tape

    init(value: Tensor, id: Int, tape: Tape) {
        self.value = value
        self.id = id
        self.tape = tape
    }

    /// True when gradients flow into this value.
    public var isTracked: Bool { id >= 0 }
    public var shape: [Int] { value.shape }
}

/// The gradients collected during one backward pass, one slot per tape entry.
public struct Gradients {
    fileprivate(set) var slots: [Tensor?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// Adds `gradient` into the slot of `variable` (nothing for a constant).
    public mutating func accumulate(_ variable: Variable, _ gradient: Tensor) {
        guard variable.isTracked else { return }
        precondition(gradient.count == variable.value.count,
                     "gradient of shape \(gradient.shape) for a value of shape \(variable.value.shape)")
        let g = gradient.shape == variable.value.shape ? gradient : gradient.reshaped(variable.value.shape)
        if slots[variable.id] == nil {
            slots[variable.id] = g
        } else {
            slots[variable.id]!.addInPlace(g)
        }
    }

    fileprivate mutating func take(_ id: Int) -> Tensor? {
        defer { slots[id] = nil }
        return slots[id]
    }
}

/// The value of `f` and its gradient with respect to each of `parameters`, in order.
///
/// `f` runs once on a fresh tape, building its result from `tape.watch(parameter)`, constants
/// and operations on variables; it must return a one-element variable (a loss). Parameters that
/// `f` does not use get zero gradients.
public func valueAndGradient(
    of parameters: [Parameter], _ f: (Tape) throws -> Variable
) rethrows -> (value: Float, gradients: [Tensor]) {
    let tape = Tape(trainable: parameters, recording: true)
    let output = try f(tape)
    precondition(output.value.count == 1, "valueAndGradient: the function returned shape \(output.shape), not a scalar")
    let grads = tape.backpropagate(from: output)
    return (output.value.scalar, parameters.map { tape.gradient(for: $0, in: grads) })
}

/// Runs `f` on a tape that records nothing: inference, evaluation, sampling.
public func withoutGradient<R>(_ f: (Tape) throws -> R) rethrows -> R {
    let tape = Tape(trainable: [], recording: false)
    return try f(tape)
}
