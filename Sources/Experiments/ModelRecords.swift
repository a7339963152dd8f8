import Models
import NeuralNet
import ResultStore
import TensorCore
import Training

/// Converting a model and its trainer to the run file's records and back.
extension Autoencoder {
    /// /weights: each network's layers in the torch.nn.Linear layout, with what rebuilding it needs.
    public var networkRecords: [NetworkRecord] {
        networks.map { name, layer in
            let mlp: MLP, extra: [String], output: String
            switch layer {
            case let encoder as EncoderNetwork:
                mlp = encoder.network
                extra = (encoder.classes > 0 ? ["one_hot:\(encoder.classes)"] : [])
                    + (encoder.noiseDimension > 0 ? ["noise:\(encoder.noiseDimension)"] : [])
                output = encoder.head == .gaussian ? "gaussian_mean_logvar" : "identity"
            case let conditioned as ConditionedMLP:
                mlp = conditioned.network
                extra = conditioned.classes > 0 ? ["one_hot:\(conditioned.classes)"] : []
                output = "sigmoid"
            default:
                preconditionFailure("networkRecords: unexpected network \(name)")
            }
            let tensors = mlp.namedParameters.map { entry -> NamedTensor in
                let (group, key) = Self.split(entry.name)
                return NamedTensor(group: group, name: key, value: entry.parameter.value)
            }
            let buffers = mlp.norms.enumerated().flatMap { i, norm in
                [NamedTensor(group: "norm\(i)", name: "running_mean", value: norm.runningMean),
                 NamedTensor(group: "norm\(i)", name: "running_var", value: norm.runningVariance)]
            }
            // The Float rate's shortest decimal (0.2, not 0.20000000298…): what the spec said, and
            // the same Float when read back.
            let dropout = Double("\(mlp.dropout.rate)") ?? Double(mlp.dropout.rate)
            return NetworkRecord(name: name, layerSizes: mlp.sizes, activation: mlp.activation.rawValue,
                                 outputActivation: output, dropout: dropout, extraInputs: extra,
                                 tensors: tensors, buffers: buffers)
        }
    }

    /// Sets every parameter and buffer from `records`; throws if one is missing or mis-shaped.
    public func load(_ records: [NetworkRecord], from file: String) throws {
        for (name, layer) in networks {
            guard let record = records.first(where: { $0.name == name }) else {
                throw RunStateError(file: file, message: "/weights/\(name) is missing")
            }
            for (key, parameter) in layer.namedParameters {
                let (group, field) = Self.split(key)
                guard let t = record.tensors.first(where: { $0.group == group && $0.name == field }),
                      t.value.shape == parameter.shape else {
                    throw RunStateError(file: file, message: "/weights/\(name)/\(group)/\(field): missing or not of shape \(parameter.shape)")
                }
                parameter.value = t.value
            }
            let norms = (layer as? EncoderNetwork)?.network.norms ?? (layer as? ConditionedMLP)?.network.norms ?? []
            for (i, norm) in norms.enumerated() {
                guard let mean = record.buffers.first(where: { $0.group == "norm\(i)" && $0.name == "running_mean" }),
                      let variance = record.buffers.first(where: { $0.group == "norm\(i)" && $0.name == "running_var" }) else {
                    throw RunStateError(file: file, message: "/weights/\(name)/norm\(i): running statistics missing")
                }
                norm.setRunningStatistics(mean: mean.value, variance: variance.value)
            }
        }
    }

    /// The generator's fitted state (AE code Gaussian, label frequencies), for /checkpoint/extra.
    public var generatorRecords: [NamedTensor] {
        var records = [NamedTensor(group: "generator", name: "label_frequencies",
                                   value: Tensor(shape: [labelFrequencies.count], scalars: labelFrequencies))]
        if let fitted = fittedLatent {
            records.append(NamedTensor(group: "generator", name: "latent_mean", value: fitted.mean))
            records.append(NamedTensor(group: "generator", name: "latent_cholesky", value: fitted.cholesky))
        }
        return records
    }

    public func loadGenerator(_ records: [NamedTensor]) {
        if let f = records.first(where: { $0.name == "label_frequencies" }) { labelFrequencies = f.value.scalars }
        if let mean = records.first(where: { $0.name == "latent_mean" }),
           let cholesky = records.first(where: { $0.name == "latent_cholesky" }) {
            fittedLatent = FittedGaussian(mean: mean.value, cholesky: cholesky.value)
        }
    }

    /// "layer0.weight" -> ("layer0", "weight")
    static func split(_ key: String) -> (String, String) {
        let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
        return parts.count == 2 ? (parts[0], parts[1]) : ("", key)
    }
}

extension Trainer {
    /// /checkpoint: epoch, every phase's Adam, the random streams, and the generator's state.
    public var checkpointRecord: CheckpointRecord {
        CheckpointRecord(
            epoch: epoch,
            optimizers: zip(model.phases, optimizers).map { phase, adam in
                OptimizerRecord(phase: phase.name, step: adam.state.step, slots: adam.state.slots)
            },
            randomStreams: ["shuffle": shuffle.state, "dropout": context.dropout.state, "noise": context.noise.state],
            extra: model.generatorRecords)
    }

    /// Continues from a checkpoint written by `checkpointRecord` (with the metrics so far).
    public func restore(_ checkpoint: CheckpointRecord, train: [String: [Double]], validation: [String: [Double]],
                        from file: String) throws {
        guard checkpoint.optimizers.map(\.phase) == model.phases.map(\.name) else {
            throw RunStateError(file: file, message: "/checkpoint/optimizers: phases \(checkpoint.optimizers.map(\.phase)), this model has \(model.phases.map(\.name))")
        }
        for (i, record) in checkpoint.optimizers.enumerated() {
            do {
                try optimizers[i].restore(OptimizerState(step: record.step, slots: record.slots))
            } catch {
                throw RunStateError(file: file, message: "/checkpoint/optimizers/\(record.phase): \(error)")
            }
        }
        for name in ["shuffle", "dropout", "noise"] where checkpoint.randomStreams[name]?.count != 4 {
            throw RunStateError(file: file, message: "/checkpoint/random/\(name): missing or not 4 words")
        }
        shuffle = RandomStream(state: checkpoint.randomStreams["shuffle"]!)
        context.dropout = RandomStream(state: checkpoint.randomStreams["dropout"]!)
        context.noise = RandomStream(state: checkpoint.randomStreams["noise"]!)
        epoch = checkpoint.epoch
        history = MetricsHistory()
        history.train = train.mapValues { Array($0.prefix(epoch)) }
        history.validation = validation.mapValues { Array($0.prefix(epoch)) }
        model.loadGenerator(checkpoint.extra)
    }
}

/// A run file whose content does not fit the run it should continue.
public struct RunStateError: Error, CustomStringConvertible {
    public let file: String
    public let message: String
    public var description: String { "\(file): \(message)" }
}
