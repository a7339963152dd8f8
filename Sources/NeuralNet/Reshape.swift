import TensorCore

/// Gives each example another shape of the same size: [batch, …] -> [batch] + `shape`
/// (`Reshape([64, 7, 7])` after a dense layer of 3136 features). The gradient is reshaped back.
public final class Reshape: Module {
    /// The shape of one example after the layer.
    public let shape: [Int]
    public init(_ shape: [Int]) {
        precondition(!shape.isEmpty && shape.allSatisfy { $0 > 0 }, "Reshape: shape \(shape)")
        self.shape = shape
    }
    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    public func callAsFunction(_ x: Variable, _ context: inout ForwardContext) -> Variable {
        precondition(x.value.count == x.shape[0] * shape.reduce(1, *), "Reshape: input \(x.shape) to [batch] + \(shape)")
        return x.shape == [x.shape[0]] + shape ? x : x.reshaped([x.shape[0]] + shape)
    }
}

/// [batch, C, H, W] (or any rank) -> [batch, C·H·W], in row-major order as `torch.flatten(x, 1)`.
public final class Flatten: Module {
    public init() {}
    public var namedParameters: [(name: String, parameter: Parameter)] { [] }

    public func callAsFunction(_ x: Variable, _ context: inout ForwardContext) -> Variable {
        x.value.rank == 2 ? x : x.reshaped([x.shape[0], x.value.count / Swift.max(x.shape[0], 1)])
    }
}
