import Datasets
import Experiments
import Models
import NeuralNet
import TensorCore
import XCTest

/// The memory estimate `aelab run` checks before it writes anything: its counts against the
/// networks actually built, and its terms against their definitions.
final class MemoryEstimateTests: XCTestCase {
    /// The footprint, counted from the plans, has exactly the parameters and buffers of the built
    /// networks: MLPs with and without batch norm, the universal head's noise input, conditional
    /// networks, and convolutional ones.
    func testFootprintCountsWhatTheNetworksHold() throws {
        let specs = [
            #"{"name": "a", "models": ["ae", "vae", "cvae", "aae", "caae", "wae-gan", "wae-mmd", "beta-vae", "iwae"], "network": {"hidden": [30, 20], "discriminator_hidden": [25]}}"#,
            #"{"name": "b", "models": ["cvae", "aae"], "network": {"hidden": [40], "batch_norm": true}, "model_options": {"aae": {"encoder_head": "universal"}}}"#,
            #"{"name": "c", "models": ["cvae", "caae"], "latent_dim": 4, "network": {"encoder": [{"conv": 4, "kernel": 4, "stride": 2, "padding": 1}], "decoder": [{"dense": 196}, {"reshape": [4, 7, 7]}, {"conv_transpose": 2, "kernel": 4, "stride": 2, "padding": 1}, {"conv_transpose": 1, "kernel": 4, "stride": 2, "padding": 1}], "batch_norm": true, "discriminator": [{"dense": 16}]}}"#,
        ]
        var checked = 0
        for json in specs {
            for run in try spec(json).runs() {
                var rng = RandomStream(seed: 1, purpose: "init")
                let model = Autoencoder(family: run.family, config: run.modelConfig, using: &rng)
                let footprint = Autoencoder.footprint(family: run.family, config: run.modelConfig)
                let parameters = model.networks.reduce(0) { $0 + $1.layer.parameterCount }
                let buffers = model.networks.reduce(0) { $0 + $1.layer.namedBuffers.reduce(0) { $0 + $1.value.count } }
                XCTAssertEqual(footprint.parameters, parameters, run.id)
                XCTAssertEqual(footprint.buffers, buffers, run.id)
                XCTAssertGreaterThan(footprint.activationsPerExample, run.modelConfig.inputs, run.id)
                checked += 1
            }
        }
        XCTAssertEqual(checked, 13)
    }

    /// The terms, for the paper's AAE on MNIST (784-1200-1200-8, discriminator 8-1200-1200-1):
    /// 6,239,353 parameters at 24 bytes, the 60,000 training images as bytes and 70,000 images
    /// (59,000 train, 1,000 validation, 10,000 test) as floats, the Parzen window's 10,000
    /// samples with their block of distances.
    func testEstimateOfThePaperAAE() throws {
        let run = try spec(#"{"name": "p", "models": ["aae"], "network": {"hidden": [1200, 1200], "discriminator_hidden": [1200, 1200]}}"#).runs()[0]
        let footprint = Autoencoder.footprint(family: run.family, config: run.modelConfig)
        let encoder = 784 * 1200 + 1200 + 1200 * 1200 + 1200 + 1200 * 8 + 8
        let decoder = 8 * 1200 + 1200 + 1200 * 1200 + 1200 + 1200 * 784 + 784
        let discriminator = 8 * 1200 + 1200 + 1200 * 1200 + 1200 + 1200 + 1
        XCTAssertEqual(footprint.parameters, encoder + decoder + discriminator)
        let estimate = MemoryEstimate(run: run)
        XCTAssertEqual(estimate.weights, 24 * footprint.parameters)
        XCTAssertEqual(estimate.activations, 16 * 200 * footprint.activationsPerExample)
        XCTAssertEqual(estimate.data, 60_000 * 784 + 4 * 784 * 70_000)
        XCTAssertEqual(estimate.evaluation, 4 * 10_000 * (784 + 500))
        XCTAssertEqual(estimate.total, estimate.weights + estimate.activations + estimate.data + estimate.evaluation + MemoryEstimate.processOverhead)
        // About 0.6 GiB, against 322 MiB measured for its training alone (benchmarks/README.md).
        XCTAssertLessThan(estimate.total, 1 << 30)
        XCTAssertTrue(estimate.description.hasPrefix("0.6 GiB (weights"), estimate.description)
    }

    func testAvailableMemoryIsTheMachinesOrLess() throws {
        let available = try XCTUnwrap(availableMemory(), "/proc/meminfo is readable on Linux")
        let pages = Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
        XCTAssertLessThanOrEqual(available, pages + (1 << 20))
        XCTAssertGreaterThan(available, 64 << 20)
    }

    /// The refusal: one run larger than the memory, or `jobs` runs that are together; runs that
    /// would not train (already complete) do not count.
    func testRunnerRefusesWhatCannotFit() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("memory-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let s = try spec(#"{"name": "m", "models": ["ae", "aae"], "network": {"hidden": [300]}}"#)
        let runner = Runner(spec: s, resultsRoot: folder.path)
        let sizes = runner.runs.map { MemoryEstimate(run: $0).total }
        let largest = sizes.max()!, both = sizes.reduce(0, +)
        XCTAssertNil(runner.memoryProblem(jobs: 2, available: both))
        XCTAssertNil(runner.memoryProblem(jobs: 1, available: largest))
        XCTAssertNil(runner.memoryProblem(jobs: 1, available: nil))
        let together = try XCTUnwrap(runner.memoryProblem(jobs: 2, available: both - 1))
        XCTAssertTrue(together.hasPrefix("2 runs at once (--jobs 2) need about"), together)
        XCTAssertTrue(together.hasSuffix("run fewer at once"), together)
        let alone = try XCTUnwrap(runner.memoryProblem(jobs: 1, available: largest - 1))
        XCTAssertTrue(alone.hasPrefix("aae-z8-d0-s1 needs about"), alone)
        XCTAssertTrue(alone.contains("make its networks or its batch smaller"), alone)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path), "nothing written")
    }
}
