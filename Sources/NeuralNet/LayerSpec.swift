import TensorCore

/// One layer of a network, as data: what a spec lists, what a run file stores, and what
/// `LayerSpec.build` turns into modules. Shapes are those of one example: `[features]` for
/// dense layers, `[channels, height, width]` for convolutions.
public enum LayerSpec: Sendable, Equatable {
    /// `torch.nn.Linear(in, outputs)`.
    case dense(outputs: Int)
    /// `torch.nn.Conv2d(in, channels, kernel, stride, padding)`; square kernels.
    case conv(channels: Int, kernel: Int, stride: Int, padding: Int)
    /// `torch.nn.ConvTranspose2d(in, channels, kernel, stride, padding, output_padding)`.
    case convTranspose(channels: Int, kernel: Int, stride: Int, padding: Int, outputPadding: Int)
    /// `BatchNorm1d` over features or `BatchNorm2d` over channels, by the input's rank.
    case batchNorm
    case activation(Activation)
    case dropout(rate: Float)
    /// To `shape` per example (e.g. `[64, 7, 7]` after a dense layer of 3136).
    case reshape([Int])
    /// `torch.flatten(x, 1)`.
    case flatten

    /// The kind as run files and specs name it.
    public var kind: String {
        switch self {
        case .dense: "dense"
        case .conv: "conv"
        case .convTranspose: "conv_transpose"
        case .batchNorm: "batch_norm"
        case .activation: "activation"
        case .dropout: "dropout"
        case .reshape: "reshape"
        case .flatten: "flatten"
        }
    }

    /// Whether the layer has weights (dense and convolutions).
    public var isWeighted: Bool {
        switch self {
        case .dense, .conv, .convTranspose: true
        default: false
        }
    }

    /// The shape of one example after this layer, or why `input` does not fit it.
    public func outputShape(for input: [Int]) -> Result<[Int], ArchitectureError> {
        func fail(_ message: String) -> Result<[Int], ArchitectureError> { .failure(ArchitectureError(message)) }
        let size = input.reduce(1, *)
        switch self {
        case .dense(let n):
            guard n >= 1 else { return fail("a dense layer needs at least 1 output, got \(n)") }
            guard input.count == 1 else { return fail("a dense layer needs a flat input, got \(Self.describe(input)) (add {\"flatten\": true} before it)") }
            return .success([n])
        case .conv(let c, let k, let s, let p):
            guard c >= 1, k >= 1, s >= 1, p >= 0 else { return fail("expected channels, kernel and stride ≥ 1 and padding ≥ 0") }
            guard input.count == 3 else {
                return fail("a convolution needs an input of [channels, height, width], got \(Self.describe(input))")
            }
            let (h, w) = (input[1] + 2 * p, input[2] + 2 * p)
            guard k <= h && k <= w else {
                return fail("kernel \(k) is larger than its input \(input[1])×\(input[2])" + (p > 0 ? " padded by \(p)" : ""))
            }
            return .success([c, (h - k) / s + 1, (w - k) / s + 1])
        case .convTranspose(let c, let k, let s, let p, let op):
            guard c >= 1, k >= 1, s >= 1, p >= 0, op >= 0 else { return fail("expected channels, kernel and stride ≥ 1, padding and output_padding ≥ 0") }
            guard op < s else { return fail("output_padding \(op) must be smaller than the stride \(s)") }
            guard input.count == 3 else {
                return fail("a transposed convolution needs an input of [channels, height, width], got \(Self.describe(input)) (add {\"reshape\": [C, H, W]} before it)")
            }
            let h = (input[1] - 1) * s - 2 * p + k + op, w = (input[2] - 1) * s - 2 * p + k + op
            guard h >= 1 && w >= 1 else { return fail("padding \(p) leaves no output from \(input[1])×\(input[2])") }
            return .success([c, h, w])
        case .batchNorm:
            guard input.count == 1 || input.count == 3 else { return fail("batch norm needs features or [channels, height, width], got \(Self.describe(input))") }
            return .success(input)
        case .activation:
            return .success(input)
        case .dropout(let rate):
            guard rate >= 0 && rate < 1 else { return fail("a dropout rate must be in [0, 1), got \(rate)") }
            return .success(input)
        case .reshape(let shape):
            guard !shape.isEmpty, shape.allSatisfy({ $0 >= 1 }) else { return fail("expected a shape of positive sizes, got \(shape)") }
            guard shape.reduce(1, *) == size else {
                return fail("cannot reshape \(Self.describe(input)) (\(size) values) to \(Self.describe(shape)) (\(shape.reduce(1, *)))")
            }
            return .success(shape)
        case .flatten:
            return .success([size])
        }
    }

    /// The module for an input of shape `input` (which `outputShape(for:)` accepted), drawing
    /// weights from `rng` in layer order.
    public func build(input: [Int], initializer: Initializer, using rng: inout RandomStream) -> any Module {
        switch self {
        case .dense(let n):
            return Dense(input[0], n, initializer: initializer, using: &rng)
        case .conv(let c, let k, let s, let p):
            return Conv2d(inChannels: input[0], outChannels: c, kernel: k, stride: s, padding: p,
                          initializer: initializer, using: &rng)
        case .convTranspose(let c, let k, let s, let p, let op):
            return ConvTranspose2d(inChannels: input[0], outChannels: c, kernel: k, stride: s, padding: p,
                                   outputPadding: op, initializer: initializer, using: &rng)
        case .batchNorm: return BatchNorm(features: input[0])
        case .activation(let a): return ActivationLayer(a)
        case .dropout(let rate): return Dropout(rate: rate)
        case .reshape(let shape): return Reshape(shape)
        case .flatten: return Flatten()
        }
    }

    /// The per-example shapes through `layers` from `input`: one more than the layers, or the
    /// index of the first layer that does not fit and why.
    public static func shapes(of layers: [LayerSpec], input: [Int]) -> Result<[[Int]], ArchitectureError> {
        var shapes = [input]
        for (i, layer) in layers.enumerated() {
            switch layer.outputShape(for: shapes.last!) {
            case .success(let next): shapes.append(next)
            case .failure(let error): return .failure(ArchitectureError(error.message, layer: i))
            }
        }
        return .success(shapes)
    }

    /// `layers` as a `Sequential` for inputs of shape `input`; the layers must fit (`shapes`).
    public static func sequential(_ layers: [LayerSpec], input: [Int], initializer: Initializer,
                                  using rng: inout RandomStream) -> Sequential {
        guard case .success(let shapes) = Self.shapes(of: layers, input: input) else {
            preconditionFailure("LayerSpec.sequential: layers \(layers) do not fit input \(input)")
        }
        return Sequential(zip(layers, shapes).map { $0.build(input: $1, initializer: initializer, using: &rng) })
    }

    /// "784 features" or "[32, 14, 14]".
    public static func describe(_ shape: [Int]) -> String {
        shape.count == 1 ? "\(shape[0]) features" : "[\(shape.map(String.init).joined(separator: ", "))]"
    }
}

/// Why a layer does not fit its input.
public struct ArchitectureError: Error, Equatable, CustomStringConvertible {
    public let message: String
    /// The index of the layer at fault in the list checked (nil: the list as a whole).
    public let layer: Int?
    public init(_ message: String, layer: Int? = nil) {
        self.message = message
        self.layer = layer
    }
    public var description: String { message }
}
