import Datasets
import Foundation
import Models
import TensorCore
import Training
import XCTest

/// The 2,000-image MNIST subset of the acceptance tests (validation: the last 1,000 of the
/// training file), read from AELAB_DATA or ../shared/datasets beside the package.
enum MNISTSubset {
    static let searchPath: DataSearchPath = {
        var roots: [String] = []
        if let env = ProcessInfo.processInfo.environment["AELAB_DATA"] { roots += env.split(separator: ":").map(String.init) }
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        roots.append(package.deletingLastPathComponent().appendingPathComponent("shared/datasets").path)
        return DataSearchPath(roots: roots, fetchRoot: NSTemporaryDirectory())
    }()

    static func load(train: Int = 2000, validation: Int = 1000) throws -> Dataset {
        do {
            return try Dataset.load("mnist", options: DatasetOptions(validationSize: validation, trainLimit: train, testLimit: 1000),
                                    searchPath: searchPath)
        } catch {
            throw XCTSkip("MNIST not found: \(error)")
        }
    }
}

/// A small configuration that trains in seconds in a debug build.
func smallConfig(latent: Int = 8, hidden: [Int] = [128, 128]) -> ModelConfig {
    var config = ModelConfig()
    config.latent = latent
    config.hidden = hidden
    config.discriminatorHidden = hidden
    return config
}

func makeModel(_ name: String, _ config: ModelConfig, seed: UInt64 = 1) -> Autoencoder {
    var rng = RandomStream(seed: seed, purpose: "init")
    return Autoencoder(family: ModelRegistry.family(named: name)!, config: config, using: &rng)
}
