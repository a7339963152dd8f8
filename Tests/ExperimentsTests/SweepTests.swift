@testable import Experiments
import Models
import XCTest

/// Sweeps expand to plain lists of runs: models × axes, zip groups as one axis, stable ids.
final class SweepTests: XCTestCase {
    private func committed(_ name: String, overrides: [String] = []) throws -> Spec {
        try Spec.load(file: experimentsFolder.appendingPathComponent(name).path, overrides: overrides)
    }

    func testTheMNISTSweepHas36RunsInModelMajorOrder() throws {
        let runs = try committed("mnist-sweep.json").runs()
        XCTAssertEqual(runs.count, 6 * 3 * 2)
        XCTAssertEqual(runs.map(\.index), Array(0..<36))
        XCTAssertEqual(runs.prefix(7).map(\.id), ["ae-z2-d0-s1", "ae-z2-d0.25-s1", "ae-z8-d0-s1", "ae-z8-d0.25-s1",
                                                   "ae-z15-d0-s1", "ae-z15-d0.25-s1", "vae-z2-d0-s1"])
        XCTAssertEqual(runs.map(\.model), ["ae", "vae", "cvae", "aae", "caae", "wae-gan"].flatMap { Array(repeating: $0, count: 6) })
        XCTAssertEqual(Set(runs.map(\.id)).count, runs.count, "ids are unique")
        for run in runs {
            XCTAssertEqual(run.id, "\(run.model)-z\(run.modelConfig.latent)-d\(run.dropout == 0 ? "0" : "0.25")-s1")
            XCTAssertEqual(Double(run.modelConfig.dropout), run.dropout)
            XCTAssertEqual(run.modelConfig.hidden, [1200, 1200])
            XCTAssertEqual(run.modelConfig.prior, .gaussian(std: 5))
            XCTAssertEqual(run.training.epochs, 10)   // as experiments/mnist-sweep.json states
            XCTAssertEqual(run.sweepSettings.map(\.path), ["latent_dim", "dropout", "seed"])
        }
        XCTAssertEqual(runs[31].id, "wae-gan-z2-d0.25-s1")
        XCTAssertEqual(runs[31].modelConfig.options["lambda"], .number(1))
    }

    func testTheQuickstartLoads() throws {
        let runs = try committed("quickstart.json").runs()
        XCTAssertEqual(runs.map(\.id), ["ae-z8-d0-s1", "vae-z8-d0-s1", "aae-z8-d0-s1"])
        XCTAssertEqual(runs[0].dataset, "fashion-mnist")
        XCTAssertEqual(runs[0].datasetOptions.trainLimit, 20_000)
        XCTAssertEqual(runs[2].modelConfig.hidden, [512, 512])
        XCTAssertEqual(runs[2].evaluation.parzen.generatedSamples, 5000)
    }

    /// The paper's spec pairs dropout with seeds: one run with dropout, five seeds without (whose
    /// score depends on the trajectory); the ids are those of a plain dropout × seed sweep, so
    /// runs trained under either form are the same runs.
    func testThePaperSpecHasOneDropoutRunAndFiveSeedsWithout() throws {
        let runs = try committed("paper-aae-mnist.json").runs()
        XCTAssertEqual(runs.map(\.id), ["aae-z8-d0.2-s1", "aae-z8-d0-s1", "aae-z8-d0-s2", "aae-z8-d0-s3",
                                        "aae-z8-d0-s4", "aae-z8-d0-s5"])
        XCTAssertEqual(runs.map(\.seed), [1, 1, 2, 3, 4, 5])
        XCTAssertEqual(runs.map(\.modelConfig.dropout), [0.2, 0, 0, 0, 0, 0])
        XCTAssertEqual(Set(runs.map(\.training.epochs)), [200])
        let plain = try committed("paper-aae-mnist.json", overrides: [#"sweep={"dropout": [0.0], "seed": [1, 2, 3, 4, 5]}"#]).runs()
        XCTAssertEqual(plain.map(\.id), Array(runs.map(\.id).dropFirst()))
        XCTAssertEqual(plain.map(\.resolvedJSON), Array(runs.map(\.resolvedJSON).dropFirst()))
    }

    func testAZipGroupVariesItsListsTogether() throws {
        let spec = try spec(#"""
            {"name": "x", "models": ["ae", "vae"], "sweep": {"latent_dim": [2, 8],
             "zip": {"training.learning_rate.reconstruction": [1e-3, 2e-4], "training.epochs": [10, 20]}}}
            """#)
        let runs = spec.runs()
        XCTAssertEqual(runs.count, 2 * 2 * 2)
        XCTAssertEqual(runs.map(\.id), [
            "ae-z2-d0-s1-epochs10-reconstruction0.001", "ae-z2-d0-s1-epochs20-reconstruction0.0002",
            "ae-z8-d0-s1-epochs10-reconstruction0.001", "ae-z8-d0-s1-epochs20-reconstruction0.0002",
            "vae-z2-d0-s1-epochs10-reconstruction0.001", "vae-z2-d0-s1-epochs20-reconstruction0.0002",
            "vae-z8-d0-s1-epochs10-reconstruction0.001", "vae-z8-d0-s1-epochs20-reconstruction0.0002"])
        for run in runs {
            XCTAssertEqual(run.training.reconstructionLearningRate, run.training.epochs == 10 ? 1e-3 : 2e-4)
        }
    }

    func testSeveralZipGroupsMultiply() throws {
        let runs = try spec(minimal(#""sweep": {"zip": [{"seed": [1, 2], "dropout": [0, 0.5]}, {"training.epochs": [1, 2, 3], "training.batch_size": [10, 20, 30]}]}"#)).runs()
        XCTAssertEqual(runs.count, 2 * 3)
        XCTAssertEqual(runs.map(\.id), ["ae-z8-d0-s1-batch_size10-epochs1", "ae-z8-d0-s1-batch_size20-epochs2", "ae-z8-d0-s1-batch_size30-epochs3",
                                        "ae-z8-d0.5-s2-batch_size10-epochs1", "ae-z8-d0.5-s2-batch_size20-epochs2", "ae-z8-d0.5-s2-batch_size30-epochs3"])
    }

    func testIdsOfOtherSettingsStayReadableAndUnique() throws {
        let runs = try spec(minimal(#"""
            "sweep": {"network.hidden": [[256], [512, 512]], "prior": [{"std": 1}, {"std": 2}],
             "training.learning_rate.reconstruction": [0.001], "model_options.ae.reconstruction": ["bce", "mse"],
             "dataset.name": ["mnist", "fashion-mnist"]}
            """#)).runs()
        XCTAssertEqual(runs.count, 2 * 2 * 1 * 2 * 2)
        XCTAssertEqual(runs[0].id, "ae-z8-d0-s1-namemnist-model_options_ae_reconstructionbce-hidden256-priorv1-training_learning_rate_reconstruction0.001")
        XCTAssertEqual(Set(runs.map(\.id)).count, runs.count)
        XCTAssertTrue(runs.allSatisfy { RunConfig.fileNameSafe($0.id) == $0.id })
        XCTAssertEqual(runs.last?.modelConfig.hidden, [512, 512])
        XCTAssertEqual(runs.last?.modelConfig.prior, .gaussian(std: 2))
        XCTAssertEqual(runs.last?.modelConfig.reconstruction, .mse)
        XCTAssertEqual(runs.last?.dataset, "fashion-mnist")
    }

    func testOverridesApplyBeforeValidation() throws {
        let spec = try committed("mnist-sweep.json", overrides: [
            "training.epochs=1", #"models=["ae","wae-gan"]"#, "sweep.latent_dim=[2]", "prior.std=3",
            "dataset.train_limit=2000", "model_options.wae-gan.lambda=2", "dataset.name=fashion-mnist",
            "sweep.zip.training.batch_size=[50, 100]", "sweep.zip.network.noise_dim=[4, 8]",
        ])
        let runs = spec.runs()
        XCTAssertEqual(runs.count, 2 * 1 * 2 * 1 * 2)
        XCTAssertEqual(runs.map(\.id).prefix(4), ["ae-z2-d0-s1-noise_dim4-batch_size50", "ae-z2-d0-s1-noise_dim8-batch_size100",
                                                  "ae-z2-d0.25-s1-noise_dim4-batch_size50", "ae-z2-d0.25-s1-noise_dim8-batch_size100"])
        for run in runs {
            XCTAssertEqual(run.training.epochs, 1)
            XCTAssertEqual(run.modelConfig.prior, .gaussian(std: 3))
            XCTAssertEqual(run.datasetOptions.trainLimit, 2000)
            XCTAssertEqual(run.dataset, "fashion-mnist")
        }
        XCTAssertEqual(runs.last?.model, "wae-gan")
        XCTAssertEqual(runs.last?.modelConfig.options["lambda"], .number(2))
        XCTAssertEqual(runs.last?.training.batchSize, 100)
        XCTAssertEqual(runs.last?.modelConfig.noiseDimension, 8)
    }
}

