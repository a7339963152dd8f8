import Models
import Report
import NeuralNet
import TensorCore
import XCTest

final class ModelPiecesTests: XCTestCase {
    func testFittedGaussianRecoversMeanAndCovariance() {
        var rng = RandomStream(seed: 1, purpose: "codes")
        // x = A·ε + μ with A lower-triangular: covariance A·Aᵀ.
        let a = Tensor(shape: [2, 2], scalars: [2, 0, 1, 0.5])
        let eps = Tensor.normal([50_000, 2], using: &rng)
        let codes = Tensor.matmul(eps, a, transposeB: true) + Tensor(shape: [2], scalars: [3, -1])
        let fitted = FittedGaussian(fitting: codes)
        XCTAssertEqual(fitted.mean.scalars[0], 3, accuracy: 0.05)
        XCTAssertEqual(fitted.mean.scalars[1], -1, accuracy: 0.05)
        for (l, e) in zip(fitted.cholesky.scalars, a.scalars) { XCTAssertEqual(l, e, accuracy: 0.05) }
        let s = fitted.sample(50_000, using: &rng)
        XCTAssertEqual(s.mean(alongAxis: 0).scalars[0], 3, accuracy: 0.05)
    }

    /// `dropoutIn` decides which networks get the dropout rate; the encoder alone by default.
    func testDropoutGoesToTheNetworksNamed() {
        var config = smallConfig()
        config.dropout = 0.3
        XCTAssertEqual(makeModel("aae", config).encoder.network.dropoutRate, 0.3)
        XCTAssertEqual(makeModel("aae", config).decoder.network.dropoutRate, 0)
        config.dropoutIn = [.decoder, .discriminator]
        let model = makeModel("aae", config)
        XCTAssertEqual(model.encoder.network.dropoutRate, 0)
        XCTAssertEqual(model.decoder.network.dropoutRate, 0.3)
        XCTAssertEqual(model.discriminator?.network.dropoutRate, 0.3)
        // In training the decoder's output varies with the dropout masks; in evaluation it does not.
        var rng = RandomStream(seed: 11, purpose: "codes")
        let z = Tensor.normal([4, 8], using: &rng)
        func decode(_ mode: Mode, seed: UInt64) -> [Float] {
            var context = ForwardContext(mode: mode, seed: seed)
            return withoutGradient { tape in model.decoder(tape.constant(z), labels: [], &context).value.scalars }
        }
        XCTAssertNotEqual(decode(.training, seed: 1), decode(.training, seed: 2))
        XCTAssertEqual(decode(.evaluation, seed: 1), decode(.evaluation, seed: 2))
    }

    /// The Gaussian head's z = μ + σ·ε draws ε with the configured standard deviation.
    func testGaussianHeadNoiseHasTheConfiguredScale() {
        var init1 = RandomStream(seed: 3, purpose: "init")
        let encoder = EncoderNetwork(image: [6], architecture: NetworkArchitecture(layers: [.dense(outputs: 16)]), latent: 4,
                                     head: .gaussian, noiseStd: 5, using: &init1)
        var rng = RandomStream(seed: 12, purpose: "images")
        let x = Tensor.uniform([5_000, 6], using: &rng)
        var context = ForwardContext(mode: .training, seed: 9)
        let epsilon = withoutGradient { tape -> Tensor in
            let out = encoder(tape.constant(x), labels: [], &context)
            return (out.z.value - out.mean!.value) / (out.logVariance!.value * 0.5).exp()
        }
        XCTAssertEqual(epsilon.squared().mean().squareRoot(), 5, accuracy: 0.1)
        XCTAssertEqual(epsilon.mean(), 0, accuracy: 0.1)
    }

    func testPriorsSampleWhereTheySay() {
        var rng = RandomStream(seed: 2, purpose: "prior")
        let g = Prior.gaussian(std: 5).sample(20_000, dimension: 3, using: &rng)
        XCTAssertEqual(g.squared().mean().squareRoot(), 5, accuracy: 0.1)
        let mixture = Prior.mixture(components: 10, radius: 4, std: 0.1)
        let m = mixture.sample(100, dimension: 2, labels: Array(repeating: 0, count: 100), using: &rng)
        XCTAssertEqual(m.mean(alongAxis: 0).scalars[0], 4, accuracy: 0.05)    // component 0 at angle 0
        XCTAssertEqual(m.mean(alongAxis: 0).scalars[1], 0, accuracy: 0.05)
        let roll = Prior.swissRoll(radius: 1, classes: 10).sample(1000, dimension: 2, using: &rng)
        XCTAssertLessThanOrEqual(roll.squared().sum(alongAxis: 1).scalars.max()!, 1.0001)
    }

    func testConditionalModelsSampleLabelsWithTheTrainingFrequencies() {
        let model = makeModel("cvae", smallConfig(hidden: [16]))
        let labels = Array(repeating: 2, count: 300) + Array(repeating: 5, count: 100)
        model.fitGenerator(images: Tensor.zeros([400, 784]), labels: labels)
        var rng = RandomStream(seed: 3, purpose: "labels")
        let drawn = model.sampleLabels(4000, using: &rng)
        XCTAssertEqual(Set(drawn), [2, 5])
        XCTAssertEqual(Float(drawn.filter { $0 == 2 }.count) / 4000, 0.75, accuracy: 0.03)
    }
}

final class ImportanceSamplingTests: XCTestCase {
    /// With K = 1 the estimate is one sample of the ELBO's integrand, so its mean over many
    /// draws is −(the −ELBO); with more samples it rises (the IWAE bound tightens), and it never
    /// exceeds 0 for the Bernoulli likelihood of binary images.
    func testBoundTightensWithSamplesAndMatchesTheELBOAtOne() {
        let model = makeModel("vae", smallConfig(latent: 4, hidden: [32]))
        var rng = RandomStream(seed: 1, purpose: "images")
        let images = Tensor.bernoulli([5, 784], probability: 0.2, using: &rng)
        let labels = [Int](repeating: 0, count: 5)
        var draws = RandomStream(seed: 2, purpose: "is")
        let one = (0..<400).map { _ in model.importanceSampledLogLikelihood(images, labels: labels, samples: 1, using: &draws) }
        let meanOne = one.map { $0.reduce(0, +) / 5 }.reduce(0, +) / 400
        var context = ForwardContext(mode: .evaluation, seed: 3)
        context.samplesPosterior = true
        let elbo = (0..<400).map { _ in
            -Double(withoutGradient { tape in model.phases[0].loss(Batch(images: images, labels: labels), tape, &context).total.value.scalar })
        }.reduce(0, +) / 400
        XCTAssertEqual(meanOne, elbo, accuracy: 0.01 * abs(elbo))
        let many = model.importanceSampledLogLikelihood(images, labels: labels, samples: 2000, using: &draws)
        XCTAssertGreaterThan(many.reduce(0, +) / 5, meanOne)
        XCTAssertTrue(many.allSatisfy { $0 < 0 })
    }
}

/// Lists other modules keep of the families agree with the families themselves.
final class FamilyListsTests: XCTestCase {
    /// The report computes the code/prior match (`CodeMatch`) for the families with a latent
    /// adversary; it names them, having no dependency on Models.
    func testTheReportsAdversarialModelsAreTheFamiliesWithADiscriminator() {
        XCTAssertEqual(CodeMatch.adversarialModels, Set(ModelRegistry.families.filter { $0.hasDiscriminator }.map { $0.name }))
    }
}
