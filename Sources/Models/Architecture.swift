import NeuralNet
import TensorCore

/// What a spec says of one network: its layers (dense, convolutions, reshape, flatten) and the
/// options applied around each of them: after every weighted layer but the network's output,
/// [batch norm] → activation → [dropout], as the MLPs of the first version had them.
public struct NetworkArchitecture: Sendable, Equatable {
    /// The layers as written: `.dense`, `.conv`, `.convTranspose`, `.reshape`, `.flatten`.
    public var layers: [LayerSpec]
    public var activation: Activation
    /// Dropout rate after each hidden activation (training only).
    public var dropout: Float
    public var batchNorm: Bool
    public var initializer: Initializer

    public init(layers: [LayerSpec], activation: Activation = .relu, dropout: Float = 0, batchNorm: Bool = false,
                initializer: Initializer = .glorotUniform()) {
        self.layers = layers
        self.activation = activation
        self.dropout = dropout
        self.batchNorm = batchNorm
        self.initializer = initializer
    }

    /// Dense layers of the given widths.
    public static func dense(_ widths: [Int]) -> [LayerSpec] { widths.map { .dense(outputs: $0) } }

    /// The whole layer list with `output` (a network's last layer, the family's: the encoder's
    /// head, the discriminator's logit) appended when given, the options around each hidden
    /// weighted layer, and a flatten before any dense layer whose input is not flat. Each
    /// expanded layer keeps the index of the written layer it comes from (nil: added).
    public func expanded(input: [Int], output: LayerSpec?) -> [(layer: LayerSpec, origin: Int?)] {
        let written: [(LayerSpec, Int?)] = layers.enumerated().map { ($1, $0) } + (output.map { [($0, nil)] } ?? [])
        let lastWeighted = written.lastIndex { $0.0.isWeighted }
        var result: [(layer: LayerSpec, origin: Int?)] = []
        var shape = input
        func add(_ layer: LayerSpec, _ origin: Int?) {
            result.append((layer, origin))
            if case .success(let next) = layer.outputShape(for: shape) { shape = next }
        }
        for (i, (layer, origin)) in written.enumerated() {
            if case .dense = layer, shape.count != 1 { add(.flatten, origin) }
            add(layer, origin)
            guard layer.isWeighted, i != lastWeighted else { continue }
            if batchNorm { add(.batchNorm, origin) }
            add(.activation(activation), origin)
            if dropout > 0 { add(.dropout(rate: dropout), origin) }
        }
        return result
    }
}

/// A network that does not fit its input or its role.
public struct ArchitectureProblem: Error, Equatable, CustomStringConvertible {
    public let role: NetworkRole
    /// The index of the written layer at fault; nil for the network as a whole or a layer the
    /// framework added (the encoder's head, the discriminator's output).
    public let layer: Int?
    public let message: String
    public var description: String { "network.\(role.rawValue)\(layer.map { "[\($0)]" } ?? ""): \(message)" }
}
