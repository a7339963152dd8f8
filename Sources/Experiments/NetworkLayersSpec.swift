import Models
import NeuralNet

/// `network.encoder`, `network.decoder`, `network.discriminator`: a list of layers, or an object
/// `{"layers": [...], "activation", "dropout", "batch_norm", "init"}` whose options replace the
/// shared ones for that network.
struct NetworkLayersSpec: Sendable, Equatable {
    var overrides: NetworkOverrides
    /// Whether the spec used the object form (error paths then go through `layers`).
    var isObject: Bool

    static let layerKinds = ["dense", "conv", "conv_transpose", "reshape", "flatten"]

    init(_ value: JSONValue, at path: JSONPath) throws {
        if case .array = value {
            overrides = NetworkOverrides(layers: try Self.layers(value, at: path))
            isObject = false
            return
        }
        guard case .object = value else {
            throw SpecProblem(path, "expected a list of layers (e.g. [{\"dense\": 1200}]) or an object with \"layers\", got \(value.rendered)")
        }
        let f = try Fields(value, at: path)
        try f.only(["layers", "activation", "dropout", "batch_norm", "init"])
        guard let list = f["layers"] else { throw f.problem("layers", "missing required key 'layers' (a list of layers)") }
        overrides = NetworkOverrides(
            layers: try Self.layers(list, at: path + "layers"),
            activation: try f["activation"].map { try $0.choice(at: path + "activation") },
            dropout: try f.optionalNumber("dropout", .fraction).map(Float.init),
            batchNorm: try f["batch_norm"].map { _ in try f.bool("batch_norm", default: false) },
            initializer: try f["init"].map { try Initializer(spec: $0, at: path + "init") })
        isObject = true
    }

    /// The path of written layer `index` (or of the network when nil).
    func path(_ base: JSONPath, layer index: Int?) -> JSONPath {
        guard let index else { return base }
        return (isObject ? base + "layers" : base) + index
    }

    var json: JSONValue {
        let layers = JSONValue.array((overrides.layers ?? []).map(\.specJSON))
        guard isObject else { return layers }
        var o: [String: JSONValue] = ["layers": layers]
        o["activation"] = overrides.activation.map { JSONValue($0.rawValue) }
        o["dropout"] = overrides.dropout.map(JSONValue.init)
        o["batch_norm"] = overrides.batchNorm.map(JSONValue.init)
        o["init"] = overrides.initializer?.specJSON
        return .object(o)
    }

    private static func layers(_ value: JSONValue, at path: JSONPath) throws -> [LayerSpec] {
        let list = try value.array(at: path)
        guard !list.isEmpty else { throw SpecProblem(path, "expected at least one layer") }
        return try list.enumerated().map { try LayerSpec(spec: $1, at: path + $0) }
    }
}

extension LayerSpec {
    /// `{"dense": 1024}`, `{"conv": 32, "kernel": 4, "stride": 2, "padding": 1}`,
    /// `{"conv_transpose": 32, "kernel": 4, "stride": 2, "padding": 1, "output_padding": 0}`,
    /// `{"reshape": [64, 7, 7]}`, `{"flatten": true}`.
    init(spec value: JSONValue, at path: JSONPath) throws {
        let kinds = NetworkLayersSpec.layerKinds
        guard case .object(let o) = value else {
            throw SpecProblem(path, "expected a layer such as {\"dense\": 1200} or {\"conv\": 32, \"kernel\": 4, \"stride\": 2}, got \(value.rendered)")
        }
        let given = kinds.filter { o[$0] != nil }
        guard given.count == 1, let kind = given.first else {
            throw SpecProblem(path, given.isEmpty ? "expected one of the keys \(kinds.joined(separator: ", ")) naming the layer's kind, got \(value.rendered)"
                                                  : "expected one kind of layer, got \(given.joined(separator: " and "))")
        }
        let f = try Fields(value, at: path)
        switch kind {
        case "dense":
            try f.only(["dense"])
            self = .dense(outputs: try o["dense"]!.int(at: path + "dense", min: 1))
        case "conv":
            try f.only(["conv", "kernel", "stride", "padding"])
            guard f["kernel"] != nil else { throw f.problem("kernel", "missing required key 'kernel' (the kernel's size)") }
            self = .conv(channels: try o["conv"]!.int(at: path + "conv", min: 1), kernel: try f.int("kernel", default: 1, min: 1),
                         stride: try f.int("stride", default: 1, min: 1), padding: try f.int("padding", default: 0, min: 0))
        case "conv_transpose":
            try f.only(["conv_transpose", "kernel", "stride", "padding", "output_padding"])
            guard f["kernel"] != nil else { throw f.problem("kernel", "missing required key 'kernel' (the kernel's size)") }
            self = .convTranspose(channels: try o["conv_transpose"]!.int(at: path + "conv_transpose", min: 1),
                                  kernel: try f.int("kernel", default: 1, min: 1), stride: try f.int("stride", default: 1, min: 1),
                                  padding: try f.int("padding", default: 0, min: 0),
                                  outputPadding: try f.int("output_padding", default: 0, min: 0))
        case "reshape":
            try f.only(["reshape"])
            let p = path + "reshape"
            let dims = try o["reshape"]!.array(at: p).enumerated().map { try $1.int(at: p + $0, min: 1) }
            guard !dims.isEmpty else { throw SpecProblem(p, "expected a shape such as [64, 7, 7]") }
            self = .reshape(dims)
        default:
            try f.only(["flatten"])
            guard o["flatten"] == .bool(true) else { throw f.problem("flatten", "expected true, got \(o["flatten"]!.rendered)") }
            self = .flatten
        }
    }

    /// The layer as a spec writes it.
    var specJSON: JSONValue {
        switch self {
        case .dense(let n): return .object(["dense": JSONValue(n)])
        case .conv(let c, let k, let s, let p):
            return .object(["conv": JSONValue(c), "kernel": JSONValue(k), "stride": JSONValue(s), "padding": JSONValue(p)])
        case .convTranspose(let c, let k, let s, let p, let op):
            return .object(["conv_transpose": JSONValue(c), "kernel": JSONValue(k), "stride": JSONValue(s),
                            "padding": JSONValue(p), "output_padding": JSONValue(op)])
        case .reshape(let shape): return .object(["reshape": JSONValue(shape)])
        case .flatten: return .object(["flatten": .bool(true)])
        case .batchNorm: return .object(["batch_norm": .bool(true)])
        case .activation(let a): return .object(["activation": JSONValue(a.rawValue)])
        case .dropout(let r): return .object(["dropout": JSONValue(r)])
        }
    }
}

extension Initializer {
    /// `"glorot"` (Glorot/Xavier uniform), `"he"` (He normal), `"torch"` (PyTorch's default
    /// for `nn.Linear`), or `{"normal": STD}`.
    init(spec value: JSONValue, at path: JSONPath) throws {
        let expected = "expected \"glorot\", \"he\", \"torch\" or {\"normal\": STD}"
        switch value {
        case .string("glorot"): self = .glorotUniform()
        case .string("he"): self = .heNormal
        case .string("torch"): self = .torchDefault
        case .object(let o) where o.count == 1 && o["normal"] != nil:
            self = .normal(std: Float(try o["normal"]!.number(at: path + "normal", .positive)))
        default: throw SpecProblem(path, "\(expected), got \(value.rendered)")
        }
    }

    var specJSON: JSONValue {
        switch self {
        case .glorotUniform: return "glorot"
        case .heNormal: return "he"
        case .torchDefault: return "torch"
        case .normal(let std): return .object(["normal": JSONValue(std)])
        }
    }
}
