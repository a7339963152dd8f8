@testable import Experiments
import Foundation
import Models
import NeuralNet
import XCTest

/// `network.encoder` / `decoder` / `discriminator`, family options from the registry, and the
/// committed specs after the model layer opened.
final class NetworkSpecTests: XCTestCase {
    static let conv = #"""
    "network": {
      "encoder": [{"conv": 8, "kernel": 4, "stride": 2, "padding": 1}, {"conv": 16, "kernel": 4, "stride": 2, "padding": 1}],
      "decoder": [{"dense": 784}, {"reshape": [16, 7, 7]},
                  {"conv_transpose": 8, "kernel": 4, "stride": 2, "padding": 1},
                  {"conv_transpose": 1, "kernel": 4, "stride": 2, "padding": 1}],
      "discriminator": {"layers": [{"dense": 64}], "activation": "leaky_relu", "init": {"normal": 0.01}}
    }
    """#

    func testConvolutionalNetworksLoadAndResolve() throws {
        let s = try spec(#"{"name": "x", "models": ["aae", "cvae"], "# + Self.conv + "}")
        let config = s.runs()[0].modelConfig
        XCTAssertEqual(config.architecture(.encoder).layers, [.conv(channels: 8, kernel: 4, stride: 2, padding: 1), .conv(channels: 16, kernel: 4, stride: 2, padding: 1)])
        XCTAssertEqual(config.architecture(.discriminator).activation, .leakyRelu)
        XCTAssertEqual(config.architecture(.discriminator).initializer, .normal(std: 0.01))
        XCTAssertEqual(config.architecture(.encoder).initializer, .glorotUniform())
        // The run's resolved JSON reads back as the same run.
        for run in s.runs() {
            let again = try spec(run.resolvedJSON).runs()
            XCTAssertEqual(again[0].modelConfig, run.modelConfig, run.id)
            XCTAssertEqual(again[0].resolvedJSON, run.resolvedJSON, run.id)
        }
    }

    func testWrongArchitecturesNameTheLayer() {
        assertSpecError(minimal(#""network": {"encoder": [{"dense": 64}, {"conv": 4, "kernel": 3}]}"#), path: "network.encoder[1]",
                        "a convolution needs an input of [channels, height, width], got 64 features")
        assertSpecError(minimal(#""network": {"encoder": {"layers": [{"conv": 4, "kernel": 31}]}}"#), path: "network.encoder.layers[0]",
                        "kernel 31 is larger than its input 28×28")
        assertSpecError(minimal(#""network": {"decoder": [{"dense": 100}]}"#), path: "network.decoder[0]",
                        "the decoder's output is 100 features, expected the image: [1, 28, 28] or 784 features for ae on mnist")
        assertSpecError(minimal(#""network": {"decoder": [{"dense": 196}, {"reshape": [4, 7, 7]}, {"conv_transpose": 1, "kernel": 4, "stride": 2, "padding": 1}]}"#),
                        path: "network.decoder[2]", "the decoder's output is [1, 14, 14]")
        assertSpecError(minimal(#""network": {"decoder": [{"dense": 100}, {"reshape": [3, 33]}]}"#), path: "network.decoder[1]",
                        "cannot reshape 100 features (100 values) to [3, 33] (99)")
        assertSpecError(minimal(#""network": {"encoder": [{"conv": 4}]}"#), path: "network.encoder[0].kernel", "missing required key 'kernel'")
        assertSpecError(minimal(#""network": {"encoder": [{"conv": 4, "kernel": 3, "dense": 5}]}"#), path: "network.encoder[0]", "expected one kind of layer")
        assertSpecError(minimal(#""network": {"encoder": [{"dens": 4}]}"#), path: "network.encoder[0]", "expected one of the keys dense, conv")
        assertSpecError(minimal(#""network": {"decoder": [{"conv_transpose": 1, "kernel": 4, "stride": 2, "output_padding": 2}]}"#),
                        path: "network.decoder[0]", "output_padding 2 must be smaller than the stride 2")
        assertSpecError(minimal(#""network": {"hidden": [10], "encoder": [{"dense": 4}], "decoder": [{"dense": 784}]}"#),
                        path: "network.hidden", "not used when network.encoder and network.decoder give the layers")
        assertSpecError(minimal(#""network": {"discriminator": {"layers": [{"dense": 4}], "batch_norm": true}}"#),
                        path: "network.discriminator.batch_norm", "scores real and fake codes in one batch")
        assertSpecError(minimal(#""network": {"init": "xavier"}"#), path: "network.init", #"expected "glorot", "he", "torch" or {"normal": STD}"#)
        // Swept: checked at each point, with the point's latent size in the message.
        assertSpecError(minimal(#""network": {"decoder": [{"dense": 784}, {"reshape": [16, 7, 7]}, {"conv": 1, "kernel": 8}]}, "sweep": {"latent_dim": [2, 8]}"#),
                        path: "network.decoder[2]", "kernel 8 is larger than its input 7×7")
    }

    func testFamilyOptionsComeFromTheRegistry() throws {
        let s = try spec(#"{"name": "x", "models": ["beta-vae", "iwae"], "model_options": {"beta-vae": {"beta": 2}, "iwae": {"samples": 50}}}"#)
        XCTAssertEqual(s.runs()[0].modelConfig.options, ["beta": .number(2), "warmup_epochs": .integer(0)])
        XCTAssertEqual(s.runs()[1].modelConfig.options, ["samples": .integer(50)])
        assertSpecError(minimal(#""model_options": {"vae": {"beta": 2}}"#), path: "model_options.vae.beta", "vae does not read 'beta'; only beta-vae does")
        assertSpecError(minimal(#""model_options": {"iwae": {"samples": 0}}"#), path: "model_options.iwae.samples", "expected an integer ≥ 1, got 0")
        assertSpecError(minimal(#""model_options": {"iwae": {"samples": 2.5}}"#), path: "model_options.iwae.samples", "expected an integer ≥ 1, got 2.5")
        assertSpecError(minimal(#""model_options": {"beta-vae": {"beta": -1}}"#), path: "model_options.beta-vae.beta", "expected a number > 0, got -1")
        assertSpecError(minimal(#""model_options": {"iwae": {"reconstruction": "mse"}}"#), path: "model_options.iwae.reconstruction", "expected 'bce'")
        assertSpecError(minimal(#""model_options": {"beta-vae": {"encoder_head": "universal"}}"#), path: "model_options.beta-vae.encoder_head", "expected 'gaussian'")
    }

    /// Every committed spec loads, and every published run of it is one of its runs, by id (a
    /// folder may publish a subset: `aelab run --only`).
    func testCommittedSpecsLoadAndNameThePublishedRuns() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: experimentsFolder.path).filter { $0.hasSuffix(".json") }
        XCTAssertTrue(files.contains("conv-mnist.json"))
        let results = experimentsFolder.deletingLastPathComponent().appendingPathComponent("results")
        var compared = 0
        for file in files.sorted() {
            let s = try Spec.load(file: experimentsFolder.appendingPathComponent(file).path)
            let csv = results.appendingPathComponent(s.name).appendingPathComponent("runs.csv")
            guard let text = try? String(contentsOf: csv, encoding: .utf8) else { continue }
            let published = Set(text.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }.filter { !$0.hasPrefix("baseline-") })
            XCTAssertFalse(published.isEmpty, file)
            XCTAssertTrue(published.isSubset(of: Set(s.runs().map(\.id))), "\(file): \(published.subtracting(s.runs().map(\.id)).sorted())")
            compared += 1
        }
        XCTAssertGreaterThanOrEqual(compared, 3)
    }

    /// The run ids the build before networks became layer lists (ab30762, `aelab run SPEC
    /// --dry-run`) gave each committed spec of its time: today's build names the same runs, in the
    /// same order, so published folders, `--only` patterns and resumed sweeps keep their meaning.
    func testCommittedSpecsNameTheRunsTheyNamedBeforeTheModuleLayer() throws {
        let before: [String: [String]] = [
            "mnist-2d.json": ["vae-z2-d0-s1", "aae-z2-d0-s1"],
            "mnist-sweep.json": ["ae-z2-d0-s1", "ae-z2-d0.25-s1", "ae-z8-d0-s1", "ae-z8-d0.25-s1", "ae-z15-d0-s1", "ae-z15-d0.25-s1", "vae-z2-d0-s1", "vae-z2-d0.25-s1", "vae-z8-d0-s1", "vae-z8-d0.25-s1", "vae-z15-d0-s1", "vae-z15-d0.25-s1", "cvae-z2-d0-s1", "cvae-z2-d0.25-s1", "cvae-z8-d0-s1", "cvae-z8-d0.25-s1", "cvae-z15-d0-s1", "cvae-z15-d0.25-s1", "aae-z2-d0-s1", "aae-z2-d0.25-s1", "aae-z8-d0-s1", "aae-z8-d0.25-s1", "aae-z15-d0-s1", "aae-z15-d0.25-s1", "caae-z2-d0-s1", "caae-z2-d0.25-s1", "caae-z8-d0-s1", "caae-z8-d0.25-s1", "caae-z15-d0-s1", "caae-z15-d0.25-s1", "wae-gan-z2-d0-s1", "wae-gan-z2-d0.25-s1", "wae-gan-z8-d0-s1", "wae-gan-z8-d0.25-s1", "wae-gan-z15-d0-s1", "wae-gan-z15-d0.25-s1"],
            "paper-aae-mnist-encoder-dropout.json": ["aae-z8-d0.2-s1", "aae-z8-d0-s1"],
            "paper-aae-mnist.json": ["aae-z8-d0.2-s1", "aae-z8-d0-s1", "aae-z8-d0-s2", "aae-z8-d0-s3", "aae-z8-d0-s4", "aae-z8-d0-s5"],
            "quickstart.json": ["ae-z8-d0-s1", "vae-z8-d0-s1", "aae-z8-d0-s1"]
        ]
        for (file, ids) in before.sorted(by: { $0.key < $1.key }) {
            let s = try Spec.load(file: experimentsFolder.appendingPathComponent(file).path)
            XCTAssertEqual(s.runs().map(\.id), ids, file)
        }
    }

    /// docs/spec.md embeds `aelab models --markdown` as it is.
    func testSpecDocsListTheRegistrysFamilies() throws {
        let docs = try String(contentsOf: experimentsFolder.deletingLastPathComponent().appendingPathComponent("docs/spec.md"), encoding: .utf8)
        let begin = "<!-- aelab models --markdown: begin -->\n", end = "<!-- aelab models --markdown: end -->"
        guard let b = docs.range(of: begin), let e = docs.range(of: end) else { return XCTFail("docs/spec.md lacks the models section's markers") }
        XCTAssertEqual(String(docs[b.upperBound..<e.lowerBound]), ModelCatalog.markdown,
                       "regenerate it: the section between the markers is `aelab models --markdown`")
    }
}
