import Models
import NeuralNet
import ResultStore
import TensorCore
import Training

/// Converting a model and its trainer to the run file's records and back.
extension Autoencoder {
    /// /weights: each network as its layers (`aelab-run/2`), with torch's tensor layouts.
    public var networkRecords: [NetworkRecord] {
        storedNetworks.map { stored in
            let network = stored.network, extras = stored.extraInputs
            let shapes = network.layerInputShapes
            let layers = JSONValue.array(zip(network.layers, shapes).map { $0.record(input: $1) })
            return NetworkRecord(name: stored.name, layers: layers.compactText, inputShape: network.inputShape,
                                 outputShape: network.outputShape, extraInputs: extras,
                                 extraInputsAt: extras.isEmpty ? -1 : (network.joinIndex ?? -1), output: stored.output,
                                 tensors: network.namedParameters.map { Self.named($0.name, $0.parameter.value) },
                                 buffers: network.namedBuffers.map { Self.named($0.name, $0.value) })
        }
    }

    /// Sets every parameter and buffer from `records` (either format); throws if one is missing
    /// or mis-shaped, before changing anything.
    public func load(_ records: [NetworkRecord], from file: String) throws {
        var states: [(any Module, [String: Tensor])] = []
        for stored in storedNetworks {
            guard let record = records.first(where: { $0.name == stored.name }) else {
                throw RunStateError(file: file, message: "/weights/\(stored.name) is missing")
            }
            let state = record.layers == nil ? stored.network.stateFromMLP(Self.state(record)) : Self.state(record)
            states.append((stored.network, state))
            do {
                try Self.check(state, fits: stored.network)
            } catch {
                throw RunStateError(file: file, message: "/weights/\(stored.name): \(error)")
            }
        }
        for (module, state) in states { try? module.load(state: state) }
    }

    /// LAYER/NAME is the state's "LAYER.NAME" (in `aelab-run/1`, LAYER is `layerI` or `normI`).
    private static func state(_ record: NetworkRecord) -> [String: Tensor] {
        Dictionary((record.tensors + record.buffers).map { ("\($0.group).\($0.name)", $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    private static func check(_ state: [String: Tensor], fits module: any Module) throws {
        for (name, parameter) in module.namedParameters where state[name]?.shape != parameter.shape {
            throw ModuleStateError(name: name, message: state[name] == nil ? "missing" : "has shape \(state[name]!.shape), expected \(parameter.shape)")
        }
        for (name, value) in module.namedBuffers where state[name]?.shape != value.shape {
            throw ModuleStateError(name: name, message: state[name] == nil ? "missing" : "has shape \(state[name]!.shape), expected \(value.shape)")
        }
    }

    /// "3.weight" -> (group "3", name "weight")
    static func named(_ key: String, _ value: Tensor) -> NamedTensor {
        let (group, name) = split(key)
        return NamedTensor(group: group, name: name, value: value)
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
