import TensorCore

/// Reads a `RunRecord` from an HDF5 file in the layout of docs/run-file.md, naming any missing or
/// ill-typed item by its path.
struct RunFileReader {
    let file: HDF5File

    func read(_ parts: RunFile.Parts) throws -> RunRecord {
        let root = try file.root()
        let version = try checkFormat(root)
        var attributes = try readAttributes(root)
        attributes.formatVersion = version
        var record = RunRecord(attributes: attributes)
        if parts.contains(.metrics) {
            record.trainMetrics = try readMetrics(root.group("metrics/train"))
            record.validationMetrics = try readMetrics(root.group("metrics/validation"))
        }
        if parts.contains(.evaluation) {
            (record.parzen, record.evaluations) = try readEvaluation(root.group("eval"))
        }
        if parts.contains(.weights) {
            record.networks = try readNetworks(root.group("weights"), version: version)
        }
        if parts.contains(.samples), try root.contains("samples") {
            record.generatedSamples = try root.dataset("samples/generated").readTensor()
        }
        if parts.contains(.samples), try root.contains("figures") {
            let group = try root.group("figures")
            for name in try group.memberNames() { record.figures[name] = try group.dataset(name).readTensor() }
        } else if parts.contains(.codes), try root.contains("figures") {
            let group = try root.group("figures")
            for name in [FigureData.codes, FigureData.priorSamples] where try group.contains(name) {
                record.figures[name] = try group.dataset(name).readTensor()
            }
        }
        if parts.contains(.checkpoint), try root.contains("checkpoint") {
            record.checkpoint = try readCheckpoint(root.group("checkpoint"))
        }
        return record
    }

    /// The format's version (1 or 2).
    private func checkFormat(_ root: HDF5Group) throws -> Int {
        guard try root.attributes.contains("format") else {
            throw root.location.error("attribute format: not found (not an AELab run file)")
        }
        let format = try root.attributes.string("format")
        guard let version = RunFile.formatVersions.first(where: { RunFile.format(version: $0) == format }) else {
            let known = RunFile.formatVersions.map { "'\(RunFile.format(version: $0))'" }.joined(separator: " or ")
            throw root.location.error("format is '\(format)', expected \(known)")
        }
        return version
    }

    private func readAttributes(_ root: HDF5Group) throws -> RunAttributes {
        let a = root.attributes
        let statusText = try a.string("status")
        guard let status = RunAttributes.Status(rawValue: statusText) else {
            throw root.location.error("attribute status: unknown value '\(statusText)' (expected complete, failed or running)")
        }
        return RunAttributes(
            experiment: try a.string("experiment"), runID: try a.string("run_id"), model: try a.string("model"),
            latentDim: try a.int("latent_dim"), dropout: try a.double("dropout"), seed: try a.int("seed"),
            dataset: try a.string("dataset"), status: status, failure: try a.string("failure"),
            spec: try a.string("spec"), started: try a.string("started"), finished: try a.string("finished"),
            aelabVersion: try a.string("aelab_version"),
            blasCores: try a.contains("blas_cores") ? a.string("blas_cores") : "")
    }

    private func readMetrics(_ group: HDF5Group) throws -> [String: [Double]] {
        var metrics: [String: [Double]] = [:]
        for name in try group.memberNames() {
            metrics[name] = try group.dataset(name).readDoubles()
        }
        return metrics
    }

    private func readEvaluation(_ eval: HDF5Group) throws -> (ParzenRecord?, [String: [String: Double]]) {
        var parzen: ParzenRecord?
        var others: [String: [String: Double]] = [:]
        for name in try eval.memberNames() {
            let group = try eval.group(name)
            if name == "parzen" {
                parzen = try readParzen(group)
                continue
            }
            var values: [String: Double] = [:]
            for key in try group.attributes.names() {
                values[key] = try group.attributes.double(key)
            }
            others[name] = values
        }
        return (parzen, others)
    }

    private func readParzen(_ group: HDF5Group) throws -> ParzenRecord {
        let a = group.attributes
        return ParzenRecord(
            logLikelihood: try a.double("log_likelihood"), standardError: try a.double("standard_error"),
            sigma: try a.double("sigma"), generatedSamples: try a.int("generated_samples"),
            testPoints: try a.int("test_points"),
            sigmaGrid: try group.dataset("sigma_grid").readDoubles(),
            sigmaValidationLL: try group.dataset("sigma_validation_ll").readDoubles(),
            testLL: try group.dataset("test_ll").readDoubles())
    }

    /// The networks listed in /weights@order, in that order.
    private func readNetworks(_ weights: HDF5Group, version: Int) throws -> [NetworkRecord] {
        try NameList.split(weights.attributes.string("order")).map { name in
            let group = try weights.group(name)
            return version == 1 ? try readMLP(name, group) : try readLayers(name, group)
        }
    }

    /// `aelab-run/2`: the layer list and its shapes.
    private func readLayers(_ name: String, _ group: HDF5Group) throws -> NetworkRecord {
        let a = group.attributes
        return NetworkRecord(
            name: name, layers: try a.string("layers"), inputShape: try a.ints("input_shape"),
            outputShape: try a.ints("output_shape"), extraInputs: NameList.split(try a.string("extra_inputs")),
            extraInputsAt: try a.int("extra_inputs_at"), output: try a.string("output"),
            tensors: try readTensors(listedIn: "parameters", of: group),
            buffers: try readTensors(listedIn: "buffers", of: group))
    }

    /// `aelab-run/1`: an MLP, in `mlp`; the shapes follow from its sizes and extra inputs (which
    /// join the input, layer 0), the output from its output activation.
    private func readMLP(_ name: String, _ group: HDF5Group) throws -> NetworkRecord {
        let a = group.attributes
        let mlp = MLPDescription(layerSizes: try a.ints("layer_sizes"), activation: try a.string("activation"),
                                 outputActivation: try a.string("output_activation"), dropout: try a.double("dropout"))
        let extras = NameList.split(try a.string("extra_inputs"))
        let extraWidth = try extras.reduce(0) { sum, item in
            guard let colon = item.lastIndex(of: ":"), let width = Int(item[item.index(after: colon)...]), width >= 0 else {
                throw group.location.error("attribute extra_inputs: item '\(item)' is not KIND:WIDTH")
            }
            return sum + width
        }
        let sizes = mlp.layerSizes
        if let first = sizes.first, first < extraWidth {
            throw group.location.error("attribute layer_sizes: the input, \(first) wide, is narrower than its extra inputs (\(extraWidth))")
        }
        return NetworkRecord(
            name: name, layers: nil, inputShape: sizes.first.map { [$0 - extraWidth] } ?? [],
            outputShape: sizes.last.map { [$0] } ?? [], extraInputs: extras, extraInputsAt: extras.isEmpty ? -1 : 0,
            output: mlp.outputActivation,
            tensors: try readTensors(listedIn: "parameters", of: group),
            buffers: try readTensors(listedIn: "buffers", of: group), mlp: mlp)
    }

    /// The GROUP/NAME datasets listed, comma-joined, in attribute `attribute` of `parent`, in order.
    private func readTensors(listedIn attribute: String, of parent: HDF5Group) throws -> [NamedTensor] {
        try NameList.split(parent.attributes.string(attribute)).map { entry in
            let parts = entry.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw parent.location.error("attribute \(attribute): entry '\(entry)' is not GROUP/NAME")
            }
            return NamedTensor(group: parts[0], name: parts[1], value: try parent.dataset(entry).readTensor())
        }
    }

    private func readCheckpoint(_ group: HDF5Group) throws -> CheckpointRecord {
        let optimizers = try group.group("optimizers")
        let phases = try NameList.split(optimizers.attributes.string("order")).map { phase in
            try readOptimizer(optimizers.group(phase))
        }
        let random = try group.group("random")
        var streams: [String: [UInt64]] = [:]
        for name in try random.memberNames() {
            streams[name] = try random.dataset(name).readUInt64s()
        }
        return CheckpointRecord(epoch: try group.attributes.int("epoch"), optimizers: phases, randomStreams: streams,
                                extra: try readTensors(listedIn: "order", of: group.group("extra")))
    }

    /// A PHASE group: attribute `step`, attribute `slots`, and datasets SLOT_i for i = 0, 1, ….
    private func readOptimizer(_ group: HDF5Group) throws -> OptimizerRecord {
        let slotNames = NameList.split(try group.attributes.string("slots"))
        var indices: [String: [Int]] = Dictionary(uniqueKeysWithValues: slotNames.map { ($0, []) })
        for member in try group.memberNames() {
            guard let underscore = member.lastIndex(of: "_"),
                  let index = Int(member[member.index(after: underscore)...]) else { continue }
            indices[String(member[..<underscore])]?.append(index)
        }
        var slots: [String: [Tensor]] = [:]
        for name in slotNames {
            let count = indices[name, default: []].count
            slots[name] = try (0..<count).map { try group.dataset("\(name)_\($0)").readTensor() }
        }
        let phase = String(group.path.split(separator: "/").last ?? "")
        return OptimizerRecord(phase: phase, step: try group.attributes.int("step"), slots: slots)
    }
}
