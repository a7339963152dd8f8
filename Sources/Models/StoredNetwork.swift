import NeuralNet
import TensorCore

/// What a run file records of one of a model's networks beside its tensors: the layers, the
/// inputs joined to its features, and what its output means. The model says this of each of its
/// networks, so the code that writes run files (Experiments) knows no network type, and a new
/// kind of network changes this file, not the run-file code.
public struct StoredNetwork {
    /// The group under /weights: `encoder`, `decoder`, `discriminator`.
    public let name: String
    /// Its layers and its state (the model's wrapper around it, encoder head or conditioning,
    /// holds no tensors of its own).
    public let network: Network
    /// The inputs joined to the features at `network.joinIndex`, in order: `one_hot:10`, `noise:8`.
    public let extraInputs: [String]
    /// How to read the output: `gaussian_mean_logvar` (the mean and log-variance, side by
    /// side), `sigmoid` (logits of Bernoulli pixel means) or `identity`.
    public let output: String
}

extension Autoencoder {
    /// The networks as run files store them, in the order of `networks`.
    public var storedNetworks: [StoredNetwork] {
        var stored = [
            StoredNetwork(name: "encoder", network: encoder.network,
                          extraInputs: (encoder.classes > 0 ? ["one_hot:\(encoder.classes)"] : [])
                              + (encoder.noiseDimension > 0 ? ["noise:\(encoder.noiseDimension)"] : []),
                          output: encoder.head == .gaussian ? "gaussian_mean_logvar" : "identity"),
            StoredNetwork(name: "decoder", network: decoder.network,
                          extraInputs: decoder.classes > 0 ? ["one_hot:\(decoder.classes)"] : [], output: "sigmoid"),
        ]
        if let discriminator {
            stored.append(StoredNetwork(name: "discriminator", network: discriminator.network,
                                        extraInputs: discriminator.classes > 0 ? ["one_hot:\(discriminator.classes)"] : [],
                                        output: "identity"))
        }
        return stored
    }
}

extension Network {
    /// The state of an `aelab-run/1` file (the fixed MLP of the first format: its I-th dense layer
    /// `layerI`, its I-th batch norm `normI`) under this network's names (`3.weight`): entries
    /// the network does not have are left out, so a mismatch shows when the state is loaded.
    public func stateFromMLP(_ stored: [String: Tensor]) -> [String: Tensor] {
        var state: [String: Tensor] = [:]
        var dense = 0, norm = 0
        for (i, layer) in body.layers.enumerated() {
            let old: String
            switch layer {
            case is Dense: old = "layer\(dense)"; dense += 1
            case is BatchNorm: old = "norm\(norm)"; norm += 1
            default: continue
            }
            for field in ["weight", "bias", "running_mean", "running_var"] { state["\(i).\(field)"] = stored["\(old).\(field)"] }
        }
        return state
    }
}
