import TensorCore

/// Modules applied in order, as `torch.nn.Sequential`: parameter and buffer names are the
/// layer's index, a dot and its own name (`"0.weight"`, `"1.running_mean"`), so a PyTorch
/// `Sequential` of the same layers loads the same state dictionary.
public final class Sequential: Module {
    public let layers: [any Module]

    public init(_ layers: [any Module]) { self.layers = layers }

    public var namedParameters: [(name: String, parameter: Parameter)] {
        layers.enumerated().flatMap { i, layer in layer.namedParameters.map { ("\(i).\($0.name)", $0.parameter) } }
    }

    public var namedBuffers: [(name: String, value: Tensor)] {
        layers.enumerated().flatMap { i, layer in layer.namedBuffers.map { ("\(i).\($0.name)", $0.value) } }
    }

    public func setBuffer(_ name: String, to value: Tensor) {
        let parts = name.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let i = Int(parts[0]), layers.indices.contains(i) else {
            preconditionFailure("Sequential has no buffer \(name)")
        }
        layers[i].setBuffer(String(parts[1]), to: value)
    }

    public func callAsFunction(_ x: Variable, _ context: inout ForwardContext) -> Variable {
        layers.reduce(x) { h, layer in layer(h, &context) }
    }
}
