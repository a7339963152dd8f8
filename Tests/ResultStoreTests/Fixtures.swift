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

    /// A record with every field set: non-ASCII text, NaN and ±Inf, networks with buffers, three
    /// optimizer phases in non-alphabetical order, random streams and extra checkpoint tensors.
    static func fullRecord() -> RunRecord {
        let attributes = RunAttributes(
            experiment: "mnist-sweep", runID: "caae-z8-d0.25-s1", model: "caae", latentDim: 8, dropout: 0.25,
            seed: 1, dataset: "mnist", status: .complete, failure: "",
            spec: #"{"name":"mnist-sweep","note":"σ = 0.2 — Übung 日本語 🧪","prior":{"std":5.0}}"#,
            started: "2025-01-02T03:04:05Z", finished: "2025-01-02T04:05:06Z", aelabVersion: "0.1.0",
            blasCores: "Prescott,Cooperlake")
        let encoder = NetworkRecord(
            name: "encoder", layerSizes: [12 + 10, 6, 3], activation: "relu", outputActivation: "identity", dropout: 0.25,
            extraInputs: ["one_hot:10"],
            tensors: linear("layer0", 12 + 10, 6, seed: 1) + linear("layer1", 6, 3, seed: 2),
            buffers: [NamedTensor(group: "norm0", name: "running_mean", value: tensor([6], seed: 3)),
                      NamedTensor(group: "norm0", name: "running_var", value: tensor([6], seed: 4))])
        let decoder = NetworkRecord(
            name: "decoder", layerSizes: [3 + 12, 6, 12], activation: "relu", outputActivation: "sigmoid", dropout: 0,
            extraInputs: ["one_hot:10", "noise:2"],
            tensors: linear("layer0", 3 + 12, 6, seed: 6) + linear("layer1", 6, 12, seed: 5))
        let discriminator = NetworkRecord(
            name: "discriminator", layerSizes: [3, 4, 1], activation: "leaky_relu", outputActivation: "identity",
            dropout: 0, tensors: linear("layer0", 3, 4, seed: 7) + linear("layer1", 4, 1, seed: 8))
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
            networks: [encoder, decoder, discriminator],
            generatedSamples: Tensor(shape: [4, 12], scalars: (0..<48).map { Float($0) / 48 }),
            checkpoint: checkpoint)
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
        lines.append("attributes \([a.experiment, a.runID, a.model, a.dataset, a.status.rawValue, a.failure, a.spec, a.started, a.finished, a.aelabVersion, a.blasCores])")
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
            lines.append("network \(n.name) \(n.layerSizes) \(n.activation) \(n.outputActivation) \(n.dropout.bitPattern) \(n.extraInputs)")
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
