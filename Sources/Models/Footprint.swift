import NeuralNet

/// What a model's networks hold, counted from their plans alone (nothing is allocated), for the
/// memory estimate `aelab run` makes before it writes anything.
public struct Footprint: Sendable, Equatable {
    /// Trainable scalars of every network.
    public var parameters = 0
    /// Non-trainable scalars (batch norm's running statistics).
    public var buffers = 0
    /// Scalars of one example's activations through every network: its input and each layer's
    /// output (what a forward pass keeps for the backward pass, per row of the batch).
    public var activationsPerExample = 0
}

extension Autoencoder {
    /// The footprint of the networks `config` makes for `family` (which must pass `check`).
    public static func footprint(family: any ModelFamily.Type, config: ModelConfig) -> Footprint {
        var footprint = Footprint()
        for (_, plan, input, extra) in plannedNetworks(family: family, config: config) {
            let layers = plan.map(\.layer)
            let join = layers.firstIndex { if case .dense = $0 { true } else { false } }
            guard case .success(let shapes) = Network.shapes(layers, input: input, extra: extra, joinIndex: join) else {
                preconditionFailure("Autoencoder.footprint: \(family.name)'s networks do not fit; check first")
            }
            footprint.activationsPerExample += shapes.reduce(0) { $0 + $1.reduce(1, *) }
            for (layer, shape) in zip(layers, shapes) {
                switch layer {
                case .dense(let n): footprint.parameters += n * shape.reduce(1, *) + n
                case .conv(let c, let k, _, _), .convTranspose(let c, let k, _, _, _):
                    footprint.parameters += c * shape[0] * k * k + c
                case .batchNorm:
                    footprint.parameters += 2 * shape[0]
                    footprint.buffers += 2 * shape[0]
                case .activation, .dropout, .reshape, .flatten: break
                }
            }
        }
        return footprint
    }
}
