@testable import Experiments
import Models
import XCTest

/// Every user mistake is a one-line `SpecError` naming the file, the JSON path and what was expected.
final class MalformedSpecTests: XCTestCase {
    func testSyntaxErrorsNameTheLineAndColumn() {
        assertSpecError("{\"name\": \"x\",\n  \"models\": [\"ae\"]\n  \"seed\": 1}", path: "", "invalid JSON at line 3")
        assertSpecError("{\"name\": \"x\",\n  \"models\": [", path: "", "invalid JSON at line 2, column 14: unexpected end of file")
        assertSpecError("", path: "", "invalid JSON")
        assertSpecError("[1, 2]", path: "", "expected an object")
    }

    func testUnknownAndMisspeltKeysSuggestTheNearestKnownKey() {
        assertSpecError(minimal(#""latnet_dim": 4"#), path: "latnet_dim", "unknown key 'latnet_dim'; did you mean 'latent_dim'?")
        assertSpecError(minimal(#""training": {"epohcs": 3}"#), path: "training.epohcs", "did you mean 'epochs'?")
        assertSpecError(minimal(#""evaluation": {"parzen": {"sigma": [1]}}"#), path: "evaluation.parzen.sigma", "did you mean 'sigma_grid'?")
        assertSpecError(minimal(#""colour": "blue""#), path: "colour", "known keys: name, description")
        assertSpecError(minimal(#""prior": {"kind": "gaussian", "radius": 2}"#), path: "prior.radius", "unknown key 'radius'")
        assertSpecError(minimal(#""training": {"schedule": {"kind": "constant", "every": 2}}"#), path: "training.schedule.every", "unknown key")
    }

    func testSuggestionsComeFromTheEditDistance() {
        XCTAssertEqual(editDistance("kitten", "sitting"), 3)
        XCTAssertEqual(editDistance("epohcs", "epochs"), 1, "a swap of neighbours is one edit")
        XCTAssertEqual(editDistance("", "abc"), 3)
        XCTAssertEqual(nearest(to: "vea", among: ModelRegistry.names), "vae", "ties go to the closer length")
        XCTAssertEqual(nearest(to: "Latent_Dim", among: Spec.keys), "latent_dim")
        XCTAssertEqual(nearest(to: "sigma", among: ["test_points", "sigma_grid"]), "sigma_grid")
        XCTAssertNil(nearest(to: "colour", among: Spec.keys))
        XCTAssertEqual(nearest(to: "gan", among: ModelRegistry.names), "wae-gan", "a whole part of a name before spelling")
        XCTAssertEqual(nearest(to: "MMD", among: ModelRegistry.names), "wae-mmd")
    }

    func testWrongTypes() {
        assertSpecError(minimal(#""training": {"epochs": "ten"}"#), path: "training.epochs", #"expected an integer ≥ 1, got "ten""#)
        assertSpecError(minimal(#""training": {"epochs": 2.5}"#), path: "training.epochs", "expected an integer ≥ 1, got 2.5")
        assertSpecError(minimal(#""training": 5"#), path: "training", "expected an object, got 5")
        assertSpecError(minimal(#""network": {"batch_norm": "yes"}"#), path: "network.batch_norm", "expected true or false")
        assertSpecError(minimal(#""network": {"hidden": [512, "512"]}"#), path: "network.hidden[1]", "expected an integer ≥ 1")
        assertSpecError(#"{"name": "x", "models": "ae"}"#, path: "models", #"expected a list, got "ae""#)
        assertSpecError(#"{"name": "my sweep", "models": ["ae"]}"#, path: "name", "letters, digits")
    }

    func testOutOfRangeValues() {
        assertSpecError(minimal(#""training": {"epochs": -1}"#), path: "training.epochs", "expected an integer ≥ 1, got -1")
        assertSpecError(minimal(#""latent_dim": 0"#), path: "latent_dim", "expected an integer ≥ 1, got 0")
        assertSpecError(minimal(#""dropout": 1.0"#), path: "dropout", "expected a number in [0, 1), got 1")
        assertSpecError(minimal(#""training": {"batch_size": 0}"#), path: "training.batch_size", "expected an integer ≥ 2, got 0")
        assertSpecError(minimal(#""training": {"learning_rate": {"reconstruction": 0}}"#), path: "training.learning_rate.reconstruction", "expected a number > 0")
        assertSpecError(minimal(#""prior": {"std": -1}"#), path: "prior.std", "expected a number > 0, got -1")
        assertSpecError(minimal(#""dataset": {"validation_size": -5}"#), path: "dataset.validation_size", "expected an integer ≥ 0")
        assertSpecError(minimal(#""seed": -1"#), path: "seed", "expected an integer from 0 to")
        assertSpecError(minimal(#""evaluation": {"parzen": {"sigma_grid": [0.1, 0]}}"#), path: "evaluation.parzen.sigma_grid[1]", "expected a number > 0, got 0")
        assertSpecError(minimal(#""evaluation": {"parzen": {"sigma_grid": {"min": 1, "max": 0.5}}}"#), path: "evaluation.parzen.sigma_grid.max", "expected a number > min")
    }

    func testUnknownNamesListTheKnownOnes() {
        let message = assertSpecError(#"{"name": "x", "models": ["ae", "vea"]}"#, path: "models[1]", "unknown model 'vea'; did you mean 'vae'?")
        XCTAssertTrue(message.contains("known models: \(ModelRegistry.names.joined(separator: ", "))"), message)
        assertSpecError(minimal(#""dataset": {"name": "mnst"}"#), path: "dataset.name", "known datasets: mnist, fashion-mnist")
        assertSpecError(minimal(#""prior": {"kind": "gausian"}"#), path: "prior.kind", "unknown value 'gausian'; did you mean 'gaussian'?")
        assertSpecError(minimal(#""training": {"schedule": {"kind": "cosine"}}"#), path: "training.schedule.kind", "known values: constant, step")
        assertSpecError(minimal(#""network": {"activation": "rleu"}"#), path: "network.activation", "did you mean 'relu'?")
    }

    func testModelsListMistakes() {
        assertSpecError(#"{"name": "x", "models": []}"#, path: "models", "expected at least one model name")
        assertSpecError(#"{"name": "x"}"#, path: "models", "missing required key 'models'")
        assertSpecError(#"{"models": ["ae"]}"#, path: "name", "missing required key 'name'")
        assertSpecError(#"{"name": "x", "models": ["ae", "vae", "ae"]}"#, path: "models[2]", "'ae' is listed twice (also models[0])")
    }

    func testModelOptionMistakes() {
        assertSpecError(minimal(#""model_options": {"wae": {"lambda": 1}}"#), path: "model_options.wae", "unknown model 'wae'")
        assertSpecError(minimal(#""model_options": {"aae": {"lambda": 1}}"#), path: "model_options.aae.lambda", "aae does not read 'lambda'; only wae-gan, wae-mmd do")
        assertSpecError(minimal(#""model_options": {"wae-gan": {"lambda": -1}}"#), path: "model_options.wae-gan.lambda", "expected a number > 0")
        assertSpecError(minimal(#""model_options": {"vae": {"encoder_head": "deterministic"}}"#), path: "model_options.vae.encoder_head", "expected 'gaussian'")
        assertSpecError(minimal(#""model_options": {"aae": {"update": "together"}}"#), path: "model_options.aae.update", #"expected "phased", "joint""#)
        assertSpecError(minimal(#""model_options": {"aae": {"update": {"joint": {"adversarial_weight": 0}}}}"#),
                        path: "model_options.aae.update.joint.adversarial_weight", "expected a number > 0")
    }

    func testSettingsThatDisagree() {
        assertSpecError(minimal(#""latent_dim": 1, "prior": {"kind": "mixture"}"#), path: "latent_dim", "expected an integer ≥ 2 for the \"mixture\" prior")
        assertSpecError(minimal(#""dataset": {"validation_size": 100}"#), path: "evaluation.parzen.validation_points", "at most dataset.validation_size (100)")
        assertSpecError(minimal(#""dataset": {"test_limit": 500}"#), path: "evaluation.parzen.test_points", "at most dataset.test_limit (500)")
    }

    /// Split sizes larger than the dataset's files are spec errors, found before any file is read
    /// or any folder written (the sizes come from the registry).
    func testSplitsLargerThanTheDataset() {
        assertSpecError(minimal(#""dataset": {"validation_size": 60000}"#), path: "dataset.validation_size",
                        "expected at most 59999 (mnist's training file has 60000 images, and at least one must be left to train on), got 60000")
        assertSpecError(minimal(#""dataset": {"name": "fashion-mnist", "train_limit": 59500}"#), path: "dataset.train_limit",
                        "expected at most 59000 (fashion-mnist's training file has 60000 images, 1000 of them the validation slice), got 59500")
        assertSpecError(minimal(#""dataset": {"test_limit": 10001}"#), path: "dataset.test_limit", "expected at most 10000 (mnist's test file has 10000 images), got 10001")
        assertSpecError(minimal(#""evaluation": {"importance_sampling": {"test_points": 20000}}"#),
                        path: "evaluation.importance_sampling.test_points", "expected at most 10000 (mnist's test file has 10000 images), got 20000")
        // At the limits, the spec loads.
        XCTAssertNoThrow(try Spec.parse(minimal(#""dataset": {"validation_size": 1000, "train_limit": 59000, "test_limit": 10000}"#), file: "x.json"))
    }

    func testSweepMistakes() {
        assertSpecError(minimal(#""sweep": {"latent_dim": []}"#), path: "sweep.latent_dim", "expected a non-empty list")
        assertSpecError(minimal(#""sweep": {"latent_dim": 8}"#), path: "sweep.latent_dim", "expected a list, got 8")
        assertSpecError(minimal(#""sweep": {"latent_dim": [2, 0]}"#), path: "sweep.latent_dim[1]", "expected an integer ≥ 1, got 0")
        assertSpecError(minimal(#""sweep": {"latent_dim": [2, 2]}"#), path: "sweep.latent_dim[1]", "listed twice")
        assertSpecError(minimal(#""prior": {"kind": "mixture"}, "sweep": {"latent_dim": [2, 1]}"#), path: "sweep.latent_dim[1]", "≥ 2 for the \"mixture\" prior")
        assertSpecError(minimal(#""sweep": {"zip": {"training.epochs": [1, 2], "latent_dim": [2, 4, 8]}}"#),
                        path: "sweep.zip.training.epochs", "has 2 values but latent_dim has 3; zipped lists must be equally long")
        assertSpecError(minimal(#""sweep": {"zip": {"training.epochs": [5, 0], "seed": [1, 2]}}"#), path: "sweep.zip.training.epochs[1]", "expected an integer ≥ 1, got 0")
        assertSpecError(minimal(#""sweep": {"zip": [{"seed": [1, 2]}, {"training.epochs": [5, 0]}]}"#), path: "sweep.zip[1].training.epochs[1]", "got 0")
        assertSpecError(minimal(#""sweep": {"training.epocs": [1, 2]}"#), path: "sweep.training.epocs", "'training.epocs' does not name a setting; did you mean 'training.epochs'?")
        assertSpecError(minimal(#""sweep": {"prior.radius": [1, 2]}"#), path: "sweep.prior.radius", "'prior' has: kind, std")
        assertSpecError(minimal(#""sweep": {"models": [["ae"], ["vae"]]}"#), path: "sweep.models", "'models' cannot be swept")
        assertSpecError(minimal(#""sweep": {"prior": [{"std": 1}, {"std": 2}], "prior.std": [1, 2]}"#), path: "sweep.prior.std", "overlaps sweep.prior")
        assertSpecError(minimal(#""sweep": {"zip": {}}"#), path: "sweep.zip", "expected at least one setting path")
        assertSpecError(minimal(#""dataset": {"validation_size": 500}, "evaluation": {"parzen": {"validation_points": 500}}, "sweep": {"dataset.validation_size": [500, 100]}"#),
                        path: "evaluation.parzen.validation_points", "(with dataset.validation_size=100 from the sweep)")
    }

    func testOverrideMistakesNameTheSet() {
        var message = assertSpecError(minimal(), overrides: ["training.epohcs=1"], path: "training.epohcs", "did you mean 'epochs'?")
        XCTAssertTrue(message.contains("--set training.epohcs=1"), message)
        message = assertSpecError(minimal(), overrides: ["trainig.epochs=1"], path: "trainig", "did you mean 'training'?")
        XCTAssertTrue(message.contains("--set trainig.epochs=1"), message)
        message = assertSpecError(minimal(), overrides: ["training.epochs=abc"], path: "training.epochs", #"expected an integer ≥ 1, got "abc""#)
        XCTAssertTrue(message.contains("--set training.epochs=abc"), message)
        message = assertSpecError(minimal(), overrides: ["models=[ae]"], path: "models", #"expected a list, got "[ae]""#)
        XCTAssertTrue(message.contains("--set models=[ae]"), message)
        message = assertSpecError(minimal(), overrides: ["training.epochs"], path: "", "expected path=value")
        XCTAssertTrue(message.contains("--set training.epochs"), message)
        assertSpecError(minimal(#""latent_dim": 8"#), overrides: ["latent_dim.x=1"], path: "latent_dim", "is 8, not an object")
        assertSpecError(minimal(), overrides: ["training..epochs=1"], path: "", "expected a dotted path")
        message = assertSpecError(minimal(), overrides: ["sweep.dropout=[0, 1]"], path: "sweep.dropout[1]", "expected a number in [0, 1)")
        XCTAssertTrue(message.contains("--set sweep.dropout=[0, 1]"), message)
    }

    func testAMissingFileIsASpecError() throws {
        XCTAssertThrowsError(try Spec.load(file: "/nonexistent/spec.json")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("/nonexistent/spec.json: no such file; expected an experiment spec (JSON)"), text)
            XCTAssertFalse(text.contains("\n"))
        }
        let folder = NSTemporaryDirectory() + "aelab-spec-folder-\(getpid()).json"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        XCTAssertThrowsError(try Spec.load(file: folder)) { error in
            XCTAssertEqual("\(error)", folder + ": is a folder; expected an experiment spec (JSON file)")
        }
    }

    /// A default that clashes with a value the user wrote is named as a default, with the setting
    /// to change; a value the user wrote is quoted as it is.
    func testAClashingDefaultIsNamedAsTheDefault() {
        let message = assertSpecError(minimal(#""dataset": {"name": "mnist", "test_limit": 100}"#), path: "evaluation.parzen.test_points",
                                      "expected at most dataset.test_limit (100), got 10000 (the default); set evaluation.parzen.test_points to at most 100")
        XCTAssertFalse(message.contains("\n"), message)
        let written = assertSpecError(minimal(#""dataset": {"name": "mnist", "test_limit": 100}, "evaluation": {"parzen": {"test_points": 500}}"#),
                                      path: "evaluation.parzen.test_points", "got 500")
        XCTAssertFalse(written.contains("the default"), written)
        // null stands for the default; a --set value is the user's; a swept value is checked at
        // its point, and only there.
        assertSpecError(minimal(#""dataset": {"name": "mnist", "test_limit": 100}, "evaluation": {"parzen": {"test_points": null}}"#),
                        path: "evaluation.parzen.test_points", "got 10000 (the default)")
        let set = assertSpecError(minimal(#""dataset": {"name": "mnist", "test_limit": 100}"#), overrides: ["evaluation.parzen.test_points=300"],
                                  path: "evaluation.parzen.test_points", "got 300")
        XCTAssertFalse(set.contains("the default"), set)
        XCTAssertNoThrow(try Spec.parse(minimal(#""dataset": {"name": "mnist", "test_limit": 100}, "evaluation": {"importance_sampling": {"test_points": 50}}, "sweep": {"evaluation.parzen.test_points": [50, 100]}"#)))
        let swept = assertSpecError(minimal(#""dataset": {"name": "mnist", "test_limit": 100}, "evaluation": {"importance_sampling": {"test_points": 50}}, "sweep": {"evaluation.parzen.test_points": [50, 200]}"#),
                                    path: "sweep.evaluation.parzen.test_points[1]", "got 200")
        XCTAssertFalse(swept.contains("the default"), swept)
        // A swept limit: each point's default is named as such.
        assertSpecError(minimal(#""sweep": {"dataset.test_limit": [10000, 100]}, "evaluation": {"importance_sampling": {"test_points": 50}}"#),
                        path: "evaluation.parzen.test_points", "got 10000 (the default); set evaluation.parzen.test_points to at most 100")
    }

    /// Foundation's decoder keeps one of two values of a key and accepts a comma before } or ]:
    /// a spec gets neither past, with the path and line of the mistake.
    func testDuplicateKeysAndTrailingCommasAreRefused() {
        assertSpecError("{\"name\": \"x\",\n \"models\": [\"ae\"],\n \"name\": \"y\"}", path: "name",
                        "key written twice in one object (line 3); keep one")
        assertSpecError(minimal(#""training": {"epochs": 3, "batch_size": 10, "epochs": 4}"#), path: "training.epochs", "key written twice")
        assertSpecError(minimal(#""sweep": {"zip": [{"seed": [1]}, {"seed": [2], "dropout": [0], "seed": [3]}]}"#),
                        path: "sweep.zip[1].seed", "key written twice")
        assertSpecError(minimal(#""training": {"epochs": 3,}"#), path: "training", "a comma before '}' (line 1)")
        assertSpecError(minimal(#""network": {"hidden": [10, 20,]}"#), path: "network.hidden", "a comma before ']'")
        // In a --set value too, at the setting's path.
        assertSpecError(minimal(), overrides: [#"training={"epochs": 1, "epochs": 2}"#], path: "training.epochs", "key written twice")
        assertSpecError(minimal(), overrides: ["network.hidden=[10, 20,]"], path: "network.hidden", "a comma before ']'")
        // The same key in different objects, and commas and braces inside strings, are fine.
        XCTAssertNoThrow(try Spec.parse(minimal(#""description": "a, }\" ],", "dataset": {"name": "mnist"}, "network": {"hidden": [10, 20]}"#)))
    }
}
