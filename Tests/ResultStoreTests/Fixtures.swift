import Foundation
import TensorCore
import XCTest
@testable import ResultStore

/// Sample records and helpers shared by the tests.
enum Fixtures {
    /// A deterministic tensor of `shape` whose values depend on `seed` (and include -0.0).
    static func tensor(_ shape: [Int], seed: Float) -> Tensor {
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<count).map { i in i == 1 ? -0.0 : seed + Float(i) * 0.001 - 0.5 })
    }

    /// A linear layer in the torch.nn.Linear layout: weight [out, in], bias [out].
    static func linear(_ layer: String, _ input: Int, _ output: Int, seed: Float) -> [NamedTensor] {
        [NamedTensor(group: layer, name: "weight", value: tensor([output, input], seed: seed)),
         NamedTensor(group: layer, name: "bias", value: tensor([output], seed: seed + 0.25))]
    }

    /// A layer list as `aelab-run/2` stores it: JSON objects (written here by hand, as the Models
    /// module would), comma-joined into an array.
    static func layers(_ objects: [String]) -> String { "[" + objects.joined(separator: ",") + "]" }

    /// Per-channel or per-feature tensors of a batch norm at `layer`: weight and bias (parameters),
    /// running mean and variance (buffers, the variance positive).
    static func batchNorm(_ layer: String, _ features: Int, seed: Float) -> (parameters: [NamedTensor], buffers: [NamedTensor]) {
        ([NamedTensor(group: layer, name: "weight", value: tensor([features], seed: seed + 1)),
          NamedTensor(group: layer, name: "bias", value: tensor([features], seed: seed - 0.5))],
         [NamedTensor(group: layer, name: "running_mean", value: tensor([features], seed: seed)),
          NamedTensor(group: layer, name: "running_var", value: tensor([features], seed: seed + 3))])
    }

    /// The encoder of `fullRecord`: dense → batch norm → relu → dropout → dense, the label's
    /// one-hot joining the 12 inputs at layer 0.
    static func denseEncoder() -> NetworkRecord {
        let norm = batchNorm("1", 6, seed: 3)
        return NetworkRecord(
            name: "encoder",
            layers: layers([#"{"kind":"dense","in_features":22,"out_features":6}"#,
                            #"{"eps":1e-05,"kind":"batch_norm","momentum":0.1,"num_features":6,"spatial":false}"#,
                            #"{"function":"relu","kind":"activation"}"#,
                            #"{"kind":"dropout","p":0.25}"#,
                            #"{"kind":"dense","in_features":6,"out_features":3}"#]),
            inputShape: [12], outputShape: [3], extraInputs: ["one_hot:10"], extraInputsAt: 0, output: "identity",
            tensors: linear("0", 12 + 10, 6, seed: 1) + norm.parameters + linear("4", 6, 3, seed: 2),
            buffers: norm.buffers)
    }

    /// The decoder of `fullRecord`, convolutional: dense → relu → reshape [2, 2, 2] → transposed
    /// convolution to [3, 4, 4] → spatial batch norm → elu → convolution to [1, 4, 4] → flatten;
    /// torch's layouts (Conv2d weight [out, in, k, k], ConvTranspose2d [in, out, k, k]).
    static func convDecoder() -> NetworkRecord {
        let norm = batchNorm("4", 3, seed: 13)
        return NetworkRecord(
            name: "decoder",
            layers: layers([#"{"kind":"dense","in_features":15,"out_features":8}"#,
                            #"{"function":"relu","kind":"activation"}"#,
                            #"{"kind":"reshape","shape":[2,2,2]}"#,
                            #"{"in_channels":2,"kernel_size":3,"kind":"conv_transpose","out_channels":3,"output_padding":1,"padding":1,"stride":2}"#,
                            #"{"eps":1e-05,"kind":"batch_norm","momentum":0.1,"num_features":3,"spatial":true}"#,
                            #"{"alpha":1,"function":"elu","kind":"activation"}"#,
                            #"{"in_channels":3,"kernel_size":3,"kind":"conv","out_channels":1,"padding":1,"stride":1}"#,
                            #"{"kind":"flatten"}"#]),
            inputShape: [3], outputShape: [16], extraInputs: ["one_hot:10", "noise:2"], extraInputsAt: 0, output: "sigmoid",
            tensors: linear("0", 3 + 12, 8, seed: 6)
                + [NamedTensor(group: "3", name: "weight", value: tensor([2, 3, 3, 3], seed: 5)),
                   NamedTensor(group: "3", name: "bias", value: tensor([3], seed: 5.5))]
                + norm.parameters
                + [NamedTensor(group: "6", name: "weight", value: tensor([1, 3, 3, 3], seed: 9)),
                   NamedTensor(group: "6", name: "bias", value: tensor([1], seed: 9.5))],
            buffers: norm.buffers)
    }

    /// A record with every field set: non-ASCII text, NaN and ±Inf, networks with buffers (one of
    /// them convolutional), three optimizer phases in non-alphabetical order, random streams and
    /// extra checkpoint tensors.
    static func fullRecord() -> RunRecord {
        let attributes = RunAttributes(
            experiment: "mnist-sweep", runID: "caae-z8-d0.25-s1", model: "caae", latentDim: 8, dropout: 0.25,
            seed: 1, dataset: "mnist", status: .complete, failure: "",
            spec: #"{"name":"mnist-sweep","note":"σ = 0.2 — Übung 日本語 🧪","prior":{"std":5.0}}"#,
            started: "2025-01-02T03:04:05Z", finished: "2025-01-02T04:05:06Z", aelabVersion: "0.1.0",
            blasCores: "Prescott,Cooperlake")
        let discriminator = NetworkRecord(
            name: "discriminator",
            layers: layers([#"{"kind":"dense","in_features":3,"out_features":4}"#,
                            #"{"function":"leaky_relu","kind":"activation","negative_slope":0.2}"#,
                            #"{"kind":"dense","in_features":4,"out_features":1}"#]),
            inputShape: [3], outputShape: [1], output: "identity",
            tensors: linear("0", 3, 4, seed: 7) + linear("2", 4, 1, seed: 8))
        let optimizers = ["reconstruction", "discriminator", "generator"].enumerated().map { index, phase in
            OptimizerRecord(phase: phase, step: 600 * (index + 1), slots: [
                "m": [tensor([6, 22], seed: Float(index)), tensor([6], seed: 0.5)],
                "v": [tensor([6, 22], seed: 9), tensor([6], seed: 10)],
                "velocity_sq": [],
            ])
        }
        let checkpoint = CheckpointRecord(
            epoch: 20, optimizers: optimizers,
            randomStreams: ["shuffle": [1, 2, 3, .max], "dropout": [0, 0x8000_0000_0000_0000, 42, 7], "noise": [5, 6, 7, 8]],
            extra: [NamedTensor(group: "prior", name: "mean", value: tensor([3], seed: 11)),
                    NamedTensor(group: "labels", name: "frequency", value: tensor([10], seed: 12)),
                    NamedTensor(group: "prior", name: "scale", value: Tensor(5))])
        let parzen = ParzenRecord(
            logLikelihood: 340.123_456_789, standardError: 1.987_654_321, sigma: 0.2, generatedSamples: 10_000,
            testPoints: 4, sigmaGrid: [0.05, 0.1, 0.2, 0.4], sigmaValidationLL: [-12.5, 201.25, 338.0, 150.0],
            testLL: [1.0 / 3.0, -.infinity, Double(bitPattern: 0x0000_2000_0000_0001), 400.5])
        return RunRecord(
            attributes: attributes,
            trainMetrics: ["reconstruction": [0.5, 0.25, .nan, .infinity], "seconds": [1.5, 1.25, 1.0, 1.125],
                           "regulariser": [-.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude]],
            validationMetrics: ["reconstruction": [0.6, 0.3, Double(bitPattern: 0x7FF8_0000_0000_1234), 0.1]],
            parzen: parzen,
            evaluations: ["importance_sampled_ll": ["log_likelihood": -87.5, "samples": 5000], "baseline": [:]],
            networks: [denseEncoder(), convDecoder(), discriminator],
            generatedSamples: Tensor(shape: [4, 12], scalars: (0..<48).map { Float($0) / 48 }),
            checkpoint: checkpoint)
    }

    /// `fullRecord` as read from an `aelab-run/1` file: its networks MLPs (`mlp`), with tensors
    /// `layerI/…` and batch-norm statistics `normI/…`, the shapes and outputs the reader derives.
    static func v1Record() -> RunRecord {
        var record = fullRecord()
        record.attributes.formatVersion = 1
        record.networks = [
            NetworkRecord(name: "encoder", layers: nil, inputShape: [12], outputShape: [3], extraInputs: ["one_hot:10"],
                          extraInputsAt: 0, output: "identity",
                          tensors: linear("layer0", 12 + 10, 6, seed: 1) + linear("layer1", 6, 3, seed: 2),
                          buffers: [NamedTensor(group: "norm0", name: "running_mean", value: tensor([6], seed: 3)),
                                    NamedTensor(group: "norm0", name: "running_var", value: tensor([6], seed: 4))],
                          mlp: MLPDescription(layerSizes: [12 + 10, 6, 3], activation: "relu", outputActivation: "identity", dropout: 0.25)),
            NetworkRecord(name: "decoder", layers: nil, inputShape: [3], outputShape: [12], extraInputs: ["one_hot:10", "noise:2"],
                          extraInputsAt: 0, output: "sigmoid",
                          tensors: linear("layer0", 3 + 12, 6, seed: 6) + linear("layer1", 6, 12, seed: 5),
                          mlp: MLPDescription(layerSizes: [3 + 12, 6, 12], activation: "relu", outputActivation: "sigmoid", dropout: 0)),
            NetworkRecord(name: "discriminator", layers: nil, inputShape: [3], outputShape: [1], output: "identity",
                          tensors: linear("layer0", 3, 4, seed: 7) + linear("layer1", 4, 1, seed: 8),
                          mlp: MLPDescription(layerSizes: [3, 4, 1], activation: "leaky_relu", outputActivation: "identity", dropout: 0)),
        ]
        return record
    }

    /// Writes `record`'s networks in the `aelab-run/1` layout by hand, with the HDF5 wrapper
    /// (not the writer): a file as the builds before `aelab-run/2` wrote it. Everything else is
    /// the writer's (those parts did not change). `damage` may then change the still-open file.
    static func writeV1File(_ record: RunRecord, to path: String, damage: (HDF5Group) throws -> Void = { _ in }) throws {
        var rest = record
        rest.attributes.formatVersion = 2
        rest.networks = []
        let file = try HDF5File.create(path)
        func fill() throws {
            try RunFileWriter(file: file).write(rest)
            let root = try file.root()
            try root.attributes.write("format", "aelab-run/1")
            let weights = try root.group("weights")
            try weights.attributes.write("order", record.networks.map(\.name).joined(separator: ","))
            for network in record.networks {
                let mlp = try XCTUnwrap(network.mlp)
                let group = try weights.createGroup(network.name)
                try group.attributes.write("layer_sizes", mlp.layerSizes)
                try group.attributes.write("activation", mlp.activation)
                try group.attributes.write("output_activation", mlp.outputActivation)
                try group.attributes.write("dropout", mlp.dropout)
                try group.attributes.write("extra_inputs", network.extraInputs.joined(separator: ","))
                for (attribute, tensors) in [("parameters", network.tensors), ("buffers", network.buffers)] {
                    for t in tensors { try group.createGroup(t.group).createDataset(t.name, tensor: t.value) }
                    try group.attributes.write(attribute, tensors.map { "\($0.group)/\($0.name)" }.joined(separator: ","))
                }
            }
            try damage(root)
        }
        try fill()
        try file.close()
    }

    /// The smallest record: attributes only.
    static func minimalRecord(status: RunAttributes.Status = .failed) -> RunRecord {
        RunRecord(attributes: RunAttributes(
            experiment: "e", runID: "ae-z2", model: "ae", latentDim: 2, dropout: 0, seed: 7, dataset: "mnist",
            status: status, failure: status == .failed ? "NaN loss at epoch 3, phase reconstruction" : "",
            spec: "{}", started: "2025-01-01T00:00:00Z", aelabVersion: "0.1.0"))
    }

    /// A fresh empty folder for one test.
    static func folder(_ name: String = #function) throws -> String {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("aelab-store-tests-\(ProcessInfo.processInfo.processIdentifier)").appendingPathComponent(safe)
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// The record as text lines with every float written as its bit pattern, dictionaries sorted:
    /// equal lines mean bit-identical records (NaN payloads and -0.0 included).
    static func bits(_ record: RunRecord) -> [String] {
        var lines: [String] = []
        func doubles(_ values: [Double]) -> String { values.map { String($0.bitPattern, radix: 16) }.joined(separator: " ") }
        func tensor(_ t: Tensor) -> String {
            "\(t.shape) " + t.scalars.map { String($0.bitPattern, radix: 16) }.joined(separator: " ")
        }
        func named(_ prefix: String, _ ts: [NamedTensor]) { for t in ts { lines.append("\(prefix) \(t.group)/\(t.name) \(tensor(t.value))") } }
        let a = record.attributes
        lines.append("attributes \([a.format, a.experiment, a.runID, a.model, a.dataset, a.status.rawValue, a.failure, a.spec, a.started, a.finished, a.aelabVersion, a.blasCores])")
        lines.append("numbers \(a.latentDim) \(a.seed) \(a.dropout.bitPattern)")
        for (k, v) in record.trainMetrics.sorted(by: { $0.key < $1.key }) { lines.append("train \(k) \(doubles(v))") }
        for (k, v) in record.validationMetrics.sorted(by: { $0.key < $1.key }) { lines.append("validation \(k) \(doubles(v))") }
        if let p = record.parzen {
            lines.append("parzen \(doubles([p.logLikelihood, p.standardError, p.sigma])) \(p.generatedSamples) \(p.testPoints)")
            lines.append("parzen \(doubles(p.sigmaGrid)) | \(doubles(p.sigmaValidationLL)) | \(doubles(p.testLL))")
        }
        for (k, v) in record.evaluations.sorted(by: { $0.key < $1.key }) {
            lines.append("eval \(k) " + v.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\($0.value.bitPattern)" }.joined(separator: " "))
        }
        for n in record.networks {
            lines.append("network \(n.name) \(n.layers ?? "nil") \(n.inputShape) \(n.outputShape) \(n.extraInputs) \(n.extraInputsAt) \(n.output)")
            if let m = n.mlp { lines.append("mlp \(m.layerSizes) \(m.activation) \(m.outputActivation) \(m.dropout.bitPattern)") }
            named("parameter", n.tensors)
            named("buffer", n.buffers)
        }
        if let s = record.generatedSamples { lines.append("samples \(tensor(s))") }
        if let c = record.checkpoint {
            lines.append("epoch \(c.epoch)")
            for o in c.optimizers {
                lines.append("optimizer \(o.phase) \(o.step)")
                for (k, v) in o.slots.sorted(by: { $0.key < $1.key }) { lines.append("slot \(k) \(v.map(tensor))") }
            }
            for (k, v) in c.randomStreams.sorted(by: { $0.key < $1.key }) { lines.append("random \(k) \(v)") }
            named("extra", c.extra)
        }
        return lines
    }
}

/// Runs `body` and returns the error it throws as an `HDF5Error`, failing the test otherwise.
func expectError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> HDF5Error? {
    do {
        try body()
        XCTFail("expected an HDF5Error, nothing was thrown", file: file, line: line)
    } catch let error as HDF5Error {
        return error
    } catch {
        XCTFail("expected an HDF5Error, got \(error)", file: file, line: line)
    }
    return nil
}
