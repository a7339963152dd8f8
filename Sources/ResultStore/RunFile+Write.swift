import Foundation
import TensorCore

/// Writes a `RunRecord` into an empty HDF5 file, in the layout of docs/run-file.md and the format
/// of `record.attributes.formatVersion` (2, or 1 for a record read from an `aelab-run/1` file).
struct RunFileWriter {
    let file: HDF5File

    func write(_ record: RunRecord) throws {
        let root = try file.root()
        let version = record.attributes.formatVersion
        guard RunFile.formatVersions.contains(version) else {
            throw root.location.error("cannot write format '\(RunFile.format(version: version))' (this build writes "
                                      + RunFile.formatVersions.map { "'\(RunFile.format(version: $0))'" }.joined(separator: " and ") + ")")
        }
        try writeAttributes(record.attributes, root.attributes)
        try writeMetrics(record.trainMetrics, into: root.createGroup("metrics/train"))
        try writeMetrics(record.validationMetrics, into: root.createGroup("metrics/validation"))
        try writeEvaluation(parzen: record.parzen, others: record.evaluations, into: root.createGroup("eval"))
        try writeNetworks(record.networks, version: version, into: root.createGroup("weights"))
        if let samples = record.generatedSamples {
            try root.createGroup("samples").createDataset("generated", tensor: samples)
        }
        if let checkpoint = record.checkpoint {
            try writeCheckpoint(checkpoint, into: root.createGroup("checkpoint"))
        }
        if !record.figures.isEmpty {
            let group = try root.createGroup("figures")
            for (name, tensor) in record.figures.sorted(by: { $0.key < $1.key }) {
                try group.createDataset(name, tensor: tensor)
            }
        }
    }

    private func writeAttributes(_ a: RunAttributes, _ attributes: HDF5Attributes) throws {
        try attributes.write("format", a.format)
        try attributes.write("experiment", a.experiment)
        try attributes.write("run_id", a.runID)
        try attributes.write("model", a.model)
        try attributes.write("latent_dim", a.latentDim)
        try attributes.write("dropout", a.dropout)
        try attributes.write("seed", a.seed)
        try attributes.write("dataset", a.dataset)
        try attributes.write("status", a.status.rawValue)
        try attributes.write("failure", a.failure)
        try attributes.write("spec", a.spec)
        try attributes.write("started", a.started)
        try attributes.write("finished", a.finished)
        try attributes.write("aelab_version", a.aelabVersion)
        try attributes.write("blas_cores", a.blasCores)
    }

    /// NAME: float64 [epochs], one dataset per metric.
    private func writeMetrics(_ metrics: [String: [Double]], into group: HDF5Group) throws {
        for (name, values) in metrics.sorted(by: { $0.key < $1.key }) {
            try NameList.check(name, "metric", in: group.location)
            try group.createDataset(name, doubles: values)
        }
    }

    /// /eval/parzen (attributes and three float64 datasets) and /eval/NAME (float64 attributes).
    private func writeEvaluation(parzen: ParzenRecord?, others: [String: [String: Double]], into eval: HDF5Group) throws {
        if let parzen {
            let group = try eval.createGroup("parzen")
            try group.attributes.write("log_likelihood", parzen.logLikelihood)
            try group.attributes.write("standard_error", parzen.standardError)
            try group.attributes.write("sigma", parzen.sigma)
            try group.attributes.write("generated_samples", parzen.generatedSamples)
            try group.attributes.write("test_points", parzen.testPoints)
            try group.createDataset("sigma_grid", doubles: parzen.sigmaGrid)
            try group.createDataset("sigma_validation_ll", doubles: parzen.sigmaValidationLL)
            try group.createDataset("test_ll", doubles: parzen.testLL)
        }
        for (name, values) in others.sorted(by: { $0.key < $1.key }) {
            try NameList.check(name, "evaluation", in: eval.location)
            guard name != "parzen" else { throw eval.location.error("the evaluation name 'parzen' is reserved for ParzenRecord") }
            let group = try eval.createGroup(name)
            for (key, value) in values.sorted(by: { $0.key < $1.key }) {
                try group.attributes.write(key, value)
            }
        }
    }

    /// /weights (attribute `order`) and /weights/NETWORK with its attributes and LAYER/NAME datasets:
    /// a layer list (version 2) or an MLP (version 1).
    private func writeNetworks(_ networks: [NetworkRecord], version: Int, into weights: HDF5Group) throws {
        let names = networks.map(\.name)
        for name in names { try NameList.check(name, "network", in: weights.location) }
        try NameList.checkUnique(names, "network", in: weights.location)
        for network in networks {
            let location = weights.location.appending(network.name)
            try NameList.checkItems(network.extraInputs, "extra input", in: location)
            if version == 1 { try Self.checkMLP(network, at: location) } else { try Self.checkLayers(network, at: location) }
        }
        try weights.attributes.write("order", NameList.join(names))
        for network in networks {
            let group = try weights.createGroup(network.name)
            let a = group.attributes
            if version == 1, let mlp = network.mlp {
                try a.write("layer_sizes", mlp.layerSizes)
                try a.write("activation", mlp.activation)
                try a.write("output_activation", mlp.outputActivation)
                try a.write("dropout", mlp.dropout)
                try a.write("extra_inputs", NameList.join(network.extraInputs))
            } else {
                try a.write("layers", network.layers ?? "[]")
                try a.write("input_shape", network.inputShape)
                try a.write("output_shape", network.outputShape)
                try a.write("extra_inputs", NameList.join(network.extraInputs))
                try a.write("extra_inputs_at", network.extraInputsAt)
                try a.write("output", network.output)
            }
            try a.write("parameters", try writeTensors(network.tensors, into: group))
            try a.write("buffers", try writeTensors(network.buffers, into: group))
        }
    }

    /// An `aelab-run/2` network: a JSON array of layer objects, each with a string `kind`, and
    /// extra inputs joining at one of them (-1 without extra inputs).
    private static func checkLayers(_ network: NetworkRecord, at location: HDF5Location) throws {
        guard let layers = network.layers else {
            throw location.error("no layers (an aelab-run/1 MLP description) in an aelab-run/2 record")
        }
        guard network.mlp == nil else {
            throw location.error("both layers and an aelab-run/1 MLP description: an aelab-run/2 network has only layers")
        }
        let parsed = try? JSONSerialization.jsonObject(with: Data(layers.utf8), options: [.fragmentsAllowed])
        guard let list = parsed as? [Any], list.allSatisfy({ (($0 as? [String: Any])?["kind"] as? String) != nil }) else {
            throw location.error("layers is not a JSON array of objects with a \"kind\": \(layers.prefix(80))")
        }
        let at = network.extraInputsAt
        if network.extraInputs.isEmpty ? at != -1 : !list.indices.contains(at) {
            throw location.error("extra inputs join at layer \(at): expected "
                                 + (network.extraInputs.isEmpty ? "-1 without extra inputs" : "a layer index in 0..<\(list.count)"))
        }
    }

    /// An `aelab-run/1` network: an MLP description and no layer list.
    private static func checkMLP(_ network: NetworkRecord, at location: HDF5Location) throws {
        guard network.mlp != nil, network.layers == nil else {
            throw location.error("a layer list in an aelab-run/1 record: an aelab-run/1 network is an MLP description only")
        }
    }

    /// GROUP/NAME datasets under `parent`; returns their comma-joined list, in order.
    private func writeTensors(_ tensors: [NamedTensor], into parent: HDF5Group) throws -> String {
        for tensor in tensors {
            try NameList.check(tensor.group, "tensor group", in: parent.location)
            try NameList.check(tensor.name, "tensor", in: parent.location.appending(tensor.group))
            try parent.createGroup(tensor.group).createDataset(tensor.name, tensor: tensor.value)
        }
        return NameList.join(tensors.map { "\($0.group)/\($0.name)" })
    }

    private func writeCheckpoint(_ checkpoint: CheckpointRecord, into group: HDF5Group) throws {
        try group.attributes.write("epoch", checkpoint.epoch)
        try writeOptimizers(checkpoint.optimizers, into: group.createGroup("optimizers"))
        let random = try group.createGroup("random")
        for (name, state) in checkpoint.randomStreams.sorted(by: { $0.key < $1.key }) {
            try NameList.check(name, "random stream", in: random.location)
            try random.createDataset(name, uint64s: state)
        }
        let extra = try group.createGroup("extra")
        try extra.attributes.write("order", try writeTensors(checkpoint.extra, into: extra))
    }

    /// /checkpoint/optimizers (attribute `order`) and PHASE groups: attributes `step` and `slots`,
    /// datasets SLOT_i float32 for parameter i.
    private func writeOptimizers(_ optimizers: [OptimizerRecord], into group: HDF5Group) throws {
        let phases = optimizers.map(\.phase)
        for phase in phases { try NameList.check(phase, "phase", in: group.location) }
        try NameList.checkUnique(phases, "phase", in: group.location)
        try group.attributes.write("order", NameList.join(phases))
        for optimizer in optimizers {
            let phase = try group.createGroup(optimizer.phase)
            let slots = optimizer.slots.sorted(by: { $0.key < $1.key })
            try phase.attributes.write("step", optimizer.step)
            for (slot, tensors) in slots {
                try NameList.check(slot, "slot", in: phase.location)
                for (index, tensor) in tensors.enumerated() {
                    try phase.createDataset("\(slot)_\(index)", tensor: tensor)
                }
            }
            try phase.attributes.write("slots", NameList.join(slots.map(\.key)))
        }
    }
}
