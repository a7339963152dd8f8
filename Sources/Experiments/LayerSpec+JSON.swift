import Models
import NeuralNet

extension LayerSpec {
    /// The layer as a run file describes it: its kind, its settings and, for layers with
    /// weights, its sizes, named as PyTorch's constructor arguments (`in_features`,
    /// `out_channels`, `kernel_size`, …), so that `torch.nn` rebuilds it from this object alone.
    func record(input: [Int]) -> JSONValue {
        var o: [String: JSONValue] = ["kind": JSONValue(kind)]
        switch self {
        case .dense(let n):
            o["in_features"] = JSONValue(input.reduce(1, *))
            o["out_features"] = JSONValue(n)
        case .conv(let c, let k, let s, let p):
            o.merge(["in_channels": JSONValue(input[0]), "out_channels": JSONValue(c), "kernel_size": JSONValue(k),
                     "stride": JSONValue(s), "padding": JSONValue(p)]) { a, _ in a }
        case .convTranspose(let c, let k, let s, let p, let op):
            o.merge(["in_channels": JSONValue(input[0]), "out_channels": JSONValue(c), "kernel_size": JSONValue(k),
                     "stride": JSONValue(s), "padding": JSONValue(p), "output_padding": JSONValue(op)]) { a, _ in a }
        case .batchNorm:
            o.merge(["num_features": JSONValue(input[0]), "spatial": JSONValue(input.count == 3),
                     "eps": JSONValue(1e-5), "momentum": JSONValue(0.1)]) { a, _ in a }
        case .activation(let a):
            o["function"] = JSONValue(a.rawValue)
            if a == .leakyRelu { o["negative_slope"] = JSONValue(0.2) }
            if a == .elu { o["alpha"] = JSONValue(1.0) }
        case .dropout(let rate):
            o["p"] = JSONValue(rate)
        case .reshape(let shape):
            o["shape"] = JSONValue(shape)
        case .flatten:
            break
        }
        return .object(o)
    }
}

extension Network {
    /// The per-example input shape of each layer (the joined width at the first dense layer).
    var layerInputShapes: [[Int]] {
        guard case .success(let shapes) = Network.shapes(layers, input: inputShape, extra: extraWidths.reduce(0, +), joinIndex: joinIndex) else {
            preconditionFailure("Network.layerInputShapes: a built network's layers always fit")
        }
        return Array(shapes.dropLast())
    }
}

import Foundation
import ResultStore

extension NetworkRecord {
    /// One line for `aelab inspect`: the layers in short (`conv 1→32 k4 s2 p1 → relu → … →
    /// dense 3136→8`), or the MLP's sizes for an `aelab-run/1` file.
    public var summary: String {
        let extras = extraInputs.isEmpty ? "" : ", extra inputs \(extraInputs.joined(separator: ", "))"
        if let mlp {
            return "\(mlp.layerSizes.map(String.init).joined(separator: "-")), \(mlp.activation) → \(mlp.outputActivation), dropout \(Float(mlp.dropout))\(extras)"
        }
        guard let text = layers, let json = try? JSONValue.parse(Data(text.utf8)), case .array(let items) = json else {
            return "unreadable layers attribute\(extras)"
        }
        let parts = items.map { item -> String in
            guard case .object(let o) = item, case .string(let kind)? = o["kind"] else { return "?" }
            func n(_ key: String) -> String { o[key]?.rendered ?? "?" }
            switch kind {
            case "dense": return "dense \(n("in_features"))→\(n("out_features"))"
            case "conv", "conv_transpose":
                return "\(kind) \(n("in_channels"))→\(n("out_channels")) k\(n("kernel_size")) s\(n("stride")) p\(n("padding"))"
                    + (kind == "conv_transpose" && n("output_padding") != "0" ? " op\(n("output_padding"))" : "")
            case "activation": return o["function"].flatMap { if case .string(let f) = $0 { f } else { nil } } ?? "activation"
            case "dropout": return "dropout \(n("p"))"
            case "batch_norm": return "batch_norm"
            case "reshape": return "reshape \(n("shape"))"
            default: return kind
            }
        }
        return parts.joined(separator: " → ") + " (\(output))\(extras)"
    }
}
