import TensorCore

/// An elementwise nonlinearity, chosen by name in specs.
public enum Activation: String, Sendable, Codable, CaseIterable {
    case identity, relu, leakyRelu = "leaky_relu", elu, tanh, sigmoid, softplus

    public func callAsFunction(_ x: Variable) -> Variable {
        switch self {
        case .identity: return x
        case .relu: return x.relu()
        case .leakyRelu: return x.leakyRelu(0.2)
        case .elu: return x.elu(1)
        case .tanh: return x.tanh()
        case .sigmoid: return x.sigmoid()
        case .softplus: return x.softplus()
        }
    }
}

/// An activation as a layer of a `Sequential`.
public final class ActivationLayer: Module {
    public let activation: Activation
    public init(_ activation: Activation) { self.activation = activation }
    public var namedParameters: [(name: String, parameter: Parameter)] { [] }
    public func callAsFunction(_ x: Variable, _ context: inout ForwardContext) -> Variable { activation(x) }
}
