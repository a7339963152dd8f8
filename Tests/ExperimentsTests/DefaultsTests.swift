import Datasets
@testable import Experiments
import Foundation
import Models
import Training
import XCTest

/// An almost empty spec resolves to the defaults documented in docs/spec.md.
final class DefaultsTests: XCTestCase {
    func testAnAlmostEmptySpecResolvesToTheDocumentedDefaults() throws {
        let runs = try spec(minimal()).runs()
        XCTAssertEqual(runs.count, 1)
        let run = runs[0]
        XCTAssertEqual(run.id, "ae-z8-d0-s1")
        XCTAssertEqual(run.experiment, "x")
        XCTAssertEqual(run.model, "ae")
        XCTAssertEqual(run.dataset, "mnist")
        XCTAssertEqual(run.datasetOptions, DatasetOptions(validationSize: 1000, trainLimit: nil, testLimit: nil, binarization: .none))

        let c = run.modelConfig
        XCTAssertEqual([c.inputs, c.classes, c.latent, c.noiseDimension], [784, 10, 8, 8])
        XCTAssertEqual(c.hidden, [1200, 1200])
        XCTAssertEqual(c.discriminatorHidden, [1200, 1200])
        XCTAssertEqual(c.activation, .relu)
        XCTAssertEqual(c.dropout, 0)
        XCTAssertFalse(c.batchNorm)
        XCTAssertEqual(c.prior, .gaussian(std: 5))
        XCTAssertEqual(c.encoderHead, .deterministic)
        XCTAssertEqual(c.reconstruction, .bce)
        XCTAssertEqual(c.options, [:])   // ae declares no options of its own

        let t = run.training
        XCTAssertEqual([t.epochs, t.batchSize], [20, 100])
        XCTAssertEqual([t.reconstructionLearningRate, t.regularizationLearningRate, t.beta1, t.beta2], [1e-3, 1e-4, 0.9, 0.999])
        XCTAssertEqual(t.schedule, .constant)
        XCTAssertEqual(t.seed, 1)
        XCTAssertFalse(t.dropLast)

        let e = run.evaluation
        XCTAssertEqual([e.parzen.generatedSamples, e.parzen.testPoints, e.parzen.validationPoints], [10_000, 10_000, 1000])
        XCTAssertEqual(e.parzen.sigmaGrid.count, 40)
        for (i, sigma) in e.parzen.sigmaGrid.enumerated() {
            XCTAssertEqual(sigma, pow(10, -1 + Double(i) / 39), accuracy: 1e-12)
        }
        XCTAssertEqual([e.importanceSampling.samples, e.importanceSampling.testPoints, e.figureSamples], [5000, 1000, 100])
    }

    /// The run's JSON states every setting, defaults included, and nothing else.
    func testTheResolvedJSONStatesEverySetting() throws {
        let run = try spec(minimal()).runs()[0]
        guard case .object(var resolved) = try JSONValue.parse(Data(run.resolvedJSON.utf8)),
              case .object(var evaluation) = resolved["evaluation"]!, case .object(var parzen) = evaluation["parzen"]! else {
            return XCTFail("not an object: \(run.resolvedJSON)")
        }
        XCTAssertEqual(parzen.removeValue(forKey: "sigma_grid"), JSONValue(run.evaluation.parzen.sigmaGrid))
        evaluation["parzen"] = .object(parzen)
        resolved["evaluation"] = .object(evaluation)
        let expected = try JSONValue.parse(Data("""
        {
          "name": "x", "description": "", "models": ["ae"], "sweep": {},
          "dataset": {"name": "mnist", "validation_size": 1000, "train_limit": null, "test_limit": null, "binarization": "none"},
          "network": {"hidden": [1200, 1200], "discriminator_hidden": [1200, 1200], "activation": "relu",
                      "batch_norm": false, "noise_dim": 8, "dropout_in": ["encoder"], "encoder_noise_std": 1},
          "latent_dim": 8, "dropout": 0, "seed": 1,
          "prior": {"kind": "gaussian", "std": 5},
          "training": {"epochs": 20, "batch_size": 100, "learning_rate": {"reconstruction": 0.001, "regularization": 0.0001},
                       "adam": {"beta1": 0.9, "beta2": 0.999}, "schedule": {"kind": "constant"}, "drop_last": false},
          "model_options": {"ae": {"encoder_head": "deterministic", "reconstruction": "bce"}},
          "evaluation": {"parzen": {"generated_samples": 10000, "test_points": 10000, "validation_points": 1000},
                         "importance_sampling": {"samples": 5000, "test_points": 1000}, "figure_samples": 100,
                         "manifold_size": 20, "manifold_range": null}
        }
        """.utf8))
        XCTAssertEqual(JSONValue.object(resolved), expected)
        XCTAssertTrue(run.resolvedJSON.contains("\"reconstruction\" : 0.001"), "Floats written in shortest form")
    }

    /// Each family's own options are filled in: heads, losses, λ, the update.
    func testModelOptionsResolvePerFamily() throws {
        let runs = try spec(#"{"name": "x", "models": ["vae", "cvae", "aae", "caae", "wae-gan", "wae-mmd"]}"#).runs()
        let configs = Dictionary(uniqueKeysWithValues: runs.map { ($0.model, $0.modelConfig) })
        XCTAssertEqual(configs["vae"]?.encoderHead, .gaussian)
        XCTAssertEqual(configs["cvae"]?.encoderHead, .gaussian)
        XCTAssertEqual(configs["aae"]?.encoderHead, .deterministic)
        XCTAssertEqual(configs["wae-gan"]?.reconstruction, .mse)
        XCTAssertEqual(configs["wae-gan"]?.options["lambda"], .number(1))
        XCTAssertEqual(configs["wae-mmd"]?.options["lambda"], .number(10))
        XCTAssertNil(configs["aae"]?.options["lambda"])
        XCTAssertEqual(configs["caae"]?.options["update"], .update(.phased))
    }

    /// Every option a spec can write reaches the run.
    func testWrittenSettingsReachTheRun() throws {
        let run = try spec("""
        {"name": "x", "models": ["aae"], "dataset": {"name": "fashion-mnist", "train_limit": 2000, "test_limit": 500,
         "binarization": "dynamic", "validation_size": 300},
         "network": {"hidden": [64], "discriminator_hidden": [], "activation": "leaky_relu", "batch_norm": true, "noise_dim": 4,
                     "dropout_in": ["discriminator", "encoder"], "encoder_noise_std": 5},
         "latent_dim": 2, "dropout": 0.5, "seed": 7, "prior": {"kind": "mixture", "components": 5, "radius": 3, "std": 0.25},
         "training": {"epochs": 3, "batch_size": 50, "schedule": {"kind": "step", "every": 2, "factor": 0.5}, "drop_last": true,
                      "adam": {"beta1": 0.5}},
         "model_options": {"aae": {"encoder_head": "universal", "reconstruction": "l1",
                                   "update": {"joint": {"reconstruction_weight": 0.9, "adversarial_weight": 0.1}},
                                   "learning_rate": {"reconstruction": 2e-4}}},
         "evaluation": {"parzen": {"generated_samples": 100, "test_points": 50, "validation_points": 20, "sigma_grid": [0.2, 0.3]},
                        "importance_sampling": {"samples": 10, "test_points": 0}, "figure_samples": 0}}
        """).runs()[0]
        XCTAssertEqual(run.id, "aae-z2-d0.5-s7")
        XCTAssertEqual(run.dataset, "fashion-mnist")
        XCTAssertEqual(run.datasetOptions, DatasetOptions(validationSize: 300, trainLimit: 2000, testLimit: 500, binarization: .dynamic))
        let c = run.modelConfig
        XCTAssertEqual(c.hidden, [64])
        XCTAssertEqual(c.discriminatorHidden, [])
        XCTAssertEqual(c.activation, .leakyRelu)
        XCTAssertTrue(c.batchNorm)
        XCTAssertEqual(c.dropoutIn, [.encoder, .discriminator])
        XCTAssertEqual(c.encoderNoiseStd, 5)
        XCTAssertEqual(c.noiseDimension, 4)
        XCTAssertEqual(c.dropout, 0.5)
        XCTAssertEqual(c.prior, .mixture(components: 5, radius: 3, std: 0.25))
        XCTAssertEqual(c.encoderHead, .universal)
        XCTAssertEqual(c.reconstruction, .l1)
        XCTAssertEqual(c.options["update"], .update(.joint(reconstructionWeight: 0.9, adversarialWeight: 0.1)))
        XCTAssertEqual(run.training.reconstructionLearningRate, 2e-4)
        XCTAssertEqual(run.training.regularizationLearningRate, 1e-4)
        XCTAssertEqual(run.training.beta1, 0.5)
        XCTAssertEqual(run.training.schedule, .step(every: 2, factor: 0.5))
        XCTAssertEqual(run.training.seed, 7)
        XCTAssertTrue(run.training.dropLast)
        XCTAssertEqual(run.evaluation.parzen.sigmaGrid, [0.2, 0.3])
        XCTAssertEqual(run.evaluation.importanceSampling.testPoints, 0)
        XCTAssertTrue(run.resolvedJSON.contains("\"reconstruction\" : 0.0002"), run.resolvedJSON)
    }

    /// A run's JSON is a spec that gives the same run again; `Spec` is Codable both ways.
    func testTheResolvedJSONReloadsAsTheSameRun() throws {
        let sweep = try Spec.load(file: experimentsFolder.appendingPathComponent("mnist-sweep.json").path)
        for run in sweep.runs() {
            let again = try spec(run.resolvedJSON).runs()
            XCTAssertEqual(again.count, 1)
            XCTAssertEqual(again[0].modelConfig, run.modelConfig, run.id)
            XCTAssertEqual(again[0].training, run.training, run.id)
            XCTAssertEqual(again[0].evaluation, run.evaluation, run.id)
            XCTAssertEqual(again[0].datasetOptions, run.datasetOptions, run.id)
            XCTAssertEqual(again[0].resolvedJSON, run.resolvedJSON, run.id)
        }
        let decoded = try JSONDecoder().decode(Spec.self, from: JSONEncoder().encode(sweep))
        XCTAssertEqual(decoded, sweep)
    }

    /// The full example of docs/spec.md is a valid spec.
    func testTheDocumentedExampleLoads() throws {
        let doc = try String(contentsOf: experimentsFolder.deletingLastPathComponent().appendingPathComponent("docs/spec.md"),
                             encoding: .utf8)
        let example = doc.components(separatedBy: "```json\n")[1].components(separatedBy: "```")[0]
        XCTAssertEqual(try spec(example).runs().count, 6 * 3 * 2 * 1 * 2)
    }
}
