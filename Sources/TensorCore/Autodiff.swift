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
    /// For each leaf's tape entry, its parameter: index in the list being differentiated, and key.
    private var leafParameter: [Int: (index: Int, key: ObjectIdentifier)] = [:]
    /// The index of each trainable parameter in the list being differentiated.
    private let trainable: [ObjectIdentifier: Int]
    /// The shapes of the parameters being differentiated, in order.
    private let parameterShapes: [[Int]]
    /// False for inference: nothing is tracked, nothing is kept.
    public let isRecording: Bool

    init(trainable: [Parameter], recording: Bool) {
        self.trainable = Dictionary(trainable.enumerated().map { (ObjectIdentifier($1), $0) }, uniquingKeysWith: { first, _ in
            preconditionFailure("valueAndGradient: parameter \(first) is listed twice")
        })
        parameterShapes = trainable.map(\.shape)
        self.isRecording = recording
    }

    /// A value that gradients do not flow into (data, labels, noise).
    public func constant(_ value: Tensor) -> Variable { Variable(value: value, id: -1, tape: self) }

    /// The variable for `parameter`: tracked if it is one of the parameters being differentiated,
    /// a constant otherwise (so no gradient is computed for, say, a discriminator's weights while
    /// the encoder is trained). Every use of one parameter shares one variable.
    public func watch(_ parameter: Parameter) -> Variable {
        let key = ObjectIdentifier(parameter)
        guard isRecording, let index = trainable[key] else { return constant(parameter.value) }
        if let v = leaves[key] { return v }
        let v = Variable(value: parameter.value, id: newID(nil), tape: self)
        leaves[key] = v
        leafParameter[v.id] = (index, key)
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

    /// Walks the tape backwards from `output` (seeded with ones), freeing each closure and each
    /// intermediate gradient as soon as it is used, and hands each parameter's gradient to
    /// `finished` (parameter index, gradient) the moment it is complete.
    ///
    /// A parameter's leaf is entered on the tape just before its first use, so every operation
    /// that uses it comes later on the tape: when the walk reaches the leaf, its gradient is whole.
    /// The tape then lets go of the leaf's value before calling `finished`; no closure still to
    /// run refers to it, so `finished` may update the parameter in place (an optimizer step
    /// while its weights and gradient are still in cache). Parameters the output does not
    /// depend on get zeros, after the walk.
    func backpropagate(from output: Variable, _ finished: (Int, Tensor) -> Void) {
        var grads = Gradients(count: backwards.count)
        var done = Set<Int>()
        if output.isTracked {
            grads.accumulate(output, Tensor.ones(output.value.shape))
            for id in stride(from: output.id, through: 0, by: -1) {
                if let backward = backwards[id] {
                    backwards[id] = nil
                    if let g = grads.take(id) { backward(g, &grads) }
                } else if let leaf = leafParameter[id], let g = grads.take(id) {
                    leaves[leaf.key] = nil
                    done.insert(leaf.index)
                    finished(leaf.index, g)
                }
            }
        }
        backwards.removeAll()
        leaves.removeAll()
        for index in parameterShapes.indices where !done.contains(index) {
            finished(index, Tensor.zeros(parameterShapes[index]))
        }
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
    let pass = try ForwardPass(of: parameters, f)
    var gradients = [Tensor?](repeating: nil, count: parameters.count)
    let value = pass.value
    pass.backward { gradients[$0] = $1 }
    return (value, gradients.map { $0! })
}

/// A recorded forward pass whose backward pass has not run yet: look at the loss first (to stop
/// on a NaN before anything changes), then send each parameter's gradient where it is needed.
public struct ForwardPass: ~Copyable {
    private let tape: Tape
    private let output: Variable
    /// The loss.
    public var value: Float { output.value.scalar }

    /// Runs `f` on a fresh tape, as `valueAndGradient`; `f` must return a one-element variable.
    public init(of parameters: [Parameter], _ f: (Tape) throws -> Variable) rethrows {
        tape = Tape(trainable: parameters, recording: true)
        output = try f(tape)
        precondition(output.value.count == 1, "valueAndGradient: the function returned shape \(output.shape), not a scalar")
    }

    /// Backpropagates and calls `body(index, gradient)` once for each parameter (index into the
    /// list given to `init`) as soon as its gradient is complete, in no fixed order. `body` may
    /// update that parameter in place: the rest of the backward pass no longer reads it. Calling
    /// an optimizer here applies each layer's update while its weights and gradient are still in
    /// cache, instead of streaming them all from memory again after the backward pass.
    public consuming func backward(_ body: (Int, Tensor) -> Void) {
        tape.backpropagate(from: output, body)
    }
}

/// Runs `f` on a tape that records nothing: inference, evaluation, sampling.
public func withoutGradient<R>(_ f: (Tape) throws -> R) rethrows -> R {
    let tape = Tape(trainable: [], recording: false)
    return try f(tape)
}
