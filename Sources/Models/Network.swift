import NeuralNet
import TensorCore

/// One of a model's networks: a `Sequential` built from its expanded layers, fed with the data
/// (an image or a code) and, for conditional models and the universal encoder, extra inputs
/// (a label's one-hot, noise η) that join the flat features at the first dense layer.
public final class Network: Module {
    /// Every layer, in order, as stored in run files.
    public let layers: [LayerSpec]
    /// The shape of one example of the data input (`[784]`, or `[1, 28, 28]` for a network
    /// that starts with a convolution).
    public let inputShape: [Int]
    /// Widths of the extra inputs, joined in order before layer `joinIndex`.
    public let extraWidths: [Int]
    /// The first dense layer (where extra inputs join); nil without one.
    public let joinIndex: Int?
    public let outputShape: [Int]
    public let body: Sequential

    /// Builds the network; `shapes` must be what `Network.shapes` accepted for these arguments.
    public init(layers: [LayerSpec], input: [Int], extraWidths: [Int] = [], initializer: Initializer,
                using rng: inout RandomStream) {
        let joinIndex = layers.firstIndex { if case .dense = $0 { true } else { false } }
        guard case .success(let shapes) = Network.shapes(layers, input: input, extra: extraWidths.reduce(0, +), joinIndex: joinIndex) else {
            preconditionFailure("Network: layers \(layers) do not fit input \(input)")
        }
        self.layers = layers
        self.inputShape = input
        self.extraWidths = extraWidths
        self.joinIndex = joinIndex
        self.outputShape = shapes.last!
        body = Sequential(zip(layers, shapes).map { $0.build(input: $1, initializer: initializer, using: &rng) })
    }

    /// The per-example input shape of every layer, then the output's; extra inputs widen the
    /// input of layer `joinIndex`.
    public static func shapes(_ layers: [LayerSpec], input: [Int], extra: Int, joinIndex: Int?)
        -> Result<[[Int]], ArchitectureError> {
        if extra > 0 && joinIndex == nil {
            return .failure(ArchitectureError("the label's one-hot or the noise η joins at the first dense layer, and this network has none"))
        }
        var shapes = [input]
        for (i, layer) in layers.enumerated() {
            var shape = shapes.last!
            if i == joinIndex && extra > 0 { shape = [shape.reduce(1, *) + extra] }
            if i == joinIndex { shapes[i] = shape }
            switch layer.outputShape(for: shape) {
            case .success(let next): shapes.append(next)
            case .failure(let error): return .failure(ArchitectureError(error.message, layer: i))
            }
        }
        return .success(shapes)
    }

    public var namedParameters: [(name: String, parameter: Parameter)] { body.namedParameters }
    public var namedBuffers: [(name: String, value: Tensor)] { body.namedBuffers }
    public func setBuffer(_ name: String, to value: Tensor) { body.setBuffer(name, to: value) }

    /// x: [batch, features] (flat, as batches arrive) -> [batch] + outputShape.
    public func callAsFunction(_ x: Variable, _ context: inout ForwardContext) -> Variable {
        callAsFunction(x, extras: [], &context)
    }

    /// x: [batch, features]; extras: [batch, width] each, in the order of `extraWidths`.
    public func callAsFunction(_ x: Variable, extras: [Variable], _ context: inout ForwardContext) -> Variable {
        precondition(extras.map { $0.shape[1] } == extraWidths, "Network: extra inputs \(extras.map(\.shape)) for widths \(extraWidths)")
        let n = x.shape[0]
        var h = inputShape.count == 1 || x.shape == [n] + inputShape ? x : x.reshaped([n] + inputShape)
        for (i, layer) in body.layers.enumerated() {
            if i == joinIndex && !extras.isEmpty {
                let flat = h.value.rank == 2 ? h : h.reshaped([n, h.value.count / Swift.max(n, 1)])
                h = Variable.concatenate([flat] + extras, alongAxis: 1)
            }
            h = layer(h, &context)
        }
        return h
    }

    /// The rate of its dropout layers (0 without any).
    public var dropoutRate: Float { body.layers.lazy.compactMap { ($0 as? Dropout)?.rate }.first ?? 0 }

    /// The batch norms, in order (a discriminator that scores real and fake codes in one batch
    /// must have none).
    public var batchNorms: [BatchNorm] { body.layers.compactMap { $0 as? BatchNorm } }
}
