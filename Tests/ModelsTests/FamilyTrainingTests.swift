import Datasets
import Models
import NeuralNet
import TensorCore
import Training
import XCTest

final class FamilyTrainingTests: XCTestCase {
    /// Every model trains 2 epochs on 2,000 MNIST images and its reconstruction loss falls.
    func testEveryModelTrainsAndItsReconstructionFalls() throws {
        let data = try MNISTSubset.load()
        for family in ModelRegistry.families {
            let model = makeModel(family.name, smallConfig())
            var settings = TrainingSettings()
            settings.epochs = 2
            let trainer = Trainer(model: model, settings: settings)
            let before = trainer.validate(data.validation)["reconstruction"]!
            try trainer.train(data)
            let train = trainer.history.train["reconstruction"]!, valid = trainer.history.validation["reconstruction"]!
            XCTAssertLessThan(valid[1], before, "\(family.name): validation reconstruction \(before) -> \(valid)")
            XCTAssertLessThan(train[1], train[0], "\(family.name): training reconstruction \(train)")
            XCTAssertEqual(trainer.history.epochs, 2)
            // It can generate.
            model.fitGenerator(images: data.train.images, labels: data.train.labels)
            var rng = RandomStream(seed: 1, purpose: "generate")
            let samples = model.generate(10, using: &rng).images
            XCTAssertEqual(samples.shape, [10, 784])
            XCTAssertTrue(samples.isFinite && samples.scalars.allSatisfy { $0 >= 0 && $0 <= 1 }, family.name)
        }
    }

    /// An AAE with prior N(0, 5²I) in 8 dimensions pushes its codes to the prior: per dimension,
    /// the mean of the validation codes lies within 0.25σ of 0 and their deviation within 25% of σ.
    ///
    /// The settings are what made this hold for every seed tried (18 of 18, 1 and 2 BLAS threads,
    /// `aelab-bench prior-probe`), not for one seed's bits:
    /// - 10,000 validation images: consecutive MNIST images are alike (the file keeps a writer's
    ///   digits together), so the code mean of a block of 1,000 strays up to 1.7 in some dimension
    ///   (120 blocks seen) while that of the 10,000 validation images stays within 0.81; 1,000
    ///   independent codes of deviation 5 would keep their mean within about 0.45 in all 8.
    /// - β1 = 0.5 and the learning rates halved every 10 epochs, regularisation at 5e-4: with
    ///   Adam's β1 = 0.9 and constant rates the adversarial phases overshoot and 0 of 8 seeds
    ///   passed; with the regularisation rate at the reconstruction's (1e-3), 7 of 12.
    func testAAECodesMatchTheGaussianPrior() throws {
        let data = try MNISTSubset.load(train: 10_000, validation: 10_000)
        var config = smallConfig()
        config.prior = .gaussian(std: 5)
        let model = makeModel("aae", config)
        var settings = TrainingSettings()
        settings.epochs = 30   // 3,000 updates of each phase
        settings.beta1 = 0.5
        settings.regularizationLearningRate = 5e-4
        settings.schedule = .step(every: 10, factor: 0.5)
        let trainer = Trainer(model: model, settings: settings)
        try trainer.train(data)
        let codes = model.codes(data.validation.images, labels: data.validation.labels)
        let mean = codes.mean(alongAxis: 0)
        let std = (codes - mean).squared().mean(alongAxis: 0).squareRoot()
        for d in 0..<8 {
            XCTAssertLessThan(abs(mean.scalars[d]), 0.25 * 5, "dimension \(d): means \(mean.scalars)")
            XCTAssertLessThan(abs(std.scalars[d] - 5), 0.25 * 5, "dimension \(d): deviations \(std.scalars)")
        }
    }

    /// Conditional decoders use the label: from one z, the image decoded with label y is nearer the
    /// mean training image of class y than that of any other class, for at least 8 of the 10 y.
    /// (Latent 2, so that the code cannot hold the class as well as the style.)
    func testConditionalDecodersDependOnTheLabel() throws {
        let data = try MNISTSubset.load()
        let classMeans = (0..<10).map { c in
            data.train.images.gatherRows(data.train.labels.indices.filter { data.train.labels[$0] == c }).mean(alongAxis: 0)
        }
        for name in ["cvae", "caae"] {
            let model = makeModel(name, smallConfig(latent: 2))
            var settings = TrainingSettings()
            settings.epochs = 20
            settings.regularizationLearningRate = 1e-3
            try Trainer(model: model, settings: settings).train(data)
            let images = model.decode(Tensor.zeros([10, 2]), labels: Array(0..<10))   // the prior's mode
            let nearest = (0..<10).map { y in
                let image = images.rows(y..<(y + 1)).reshaped([784])
                return (0..<10).min { (image - classMeans[$0]).squared().sum() < (image - classMeans[$1]).squared().sum() }!
            }
            let right = zip(nearest, 0..<10).filter { $0 == $1 }.count
            XCTAssertGreaterThanOrEqual(right, 8, "\(name): nearest class means \(nearest)")
        }
    }

    /// The universal-approximator encoder gives different z for the same x as η changes.
    func testUniversalApproximatorCodesDependOnTheNoise() {
        var config = smallConfig()
        config.encoderHead = .universal
        let model = makeModel("aae", config)
        var rng = RandomStream(seed: 3, purpose: "x")
        let x = Tensor.uniform([1, 784], using: &rng)
        let batch = Batch(images: Tensor.concatenate([x, x], alongAxis: 0), labels: [0, 0])
        var context = ForwardContext(mode: .evaluation, seed: 5)
        let z = withoutGradient { tape in model.encode(batch, tape, &context).z.value }
        XCTAssertGreaterThan((z.rows(0..<1) - z.rows(1..<2)).absolute().mean(), 1e-3)
        // …while the deterministic head does not.
        let plain = makeModel("aae", smallConfig())
        let y = withoutGradient { tape in plain.encode(batch, tape, &context).z.value }
        XCTAssertEqual(y.rows(0..<1), y.rows(1..<2))
    }

    /// The same seed gives bit-identical losses over the first epoch; another seed does not.
    func testSameSeedGivesBitIdenticalFirstEpoch() throws {
        let data = try MNISTSubset.load(train: 600)
        func firstEpoch(seed: UInt64) throws -> [String: Double] {
            var config = smallConfig()
            config.dropout = 0.25
            let model = makeModel("aae", config, seed: seed)
            var settings = TrainingSettings()
            settings.epochs = 1
            settings.seed = seed
            let trainer = Trainer(model: model, settings: settings)
            var metrics = try trainer.trainEpoch(data).train
            metrics["seconds"] = nil
            return metrics.merging(trainer.history.validation.mapValues { $0[0] }) { a, _ in a }
        }
        let a = try firstEpoch(seed: 1)
        XCTAssertEqual(a, try firstEpoch(seed: 1))
        XCTAssertNotEqual(a, try firstEpoch(seed: 2))
    }

    /// A loss that is not finite stops training with the epoch, batch and phase.
    func testDivergenceIsReportedWithItsPlace() throws {
        let data = try MNISTSubset.load(train: 300)
        let model = makeModel("ae", smallConfig())
        var settings = TrainingSettings()
        settings.reconstructionLearningRate = .infinity
        let trainer = Trainer(model: model, settings: settings)
        XCTAssertThrowsError(try trainer.trainEpoch(data)) { error in
            guard let d = error as? DivergenceError else { return XCTFail("\(error)") }
            XCTAssertEqual(d.epoch, 1)
            XCTAssertEqual(d.phase, "reconstruction")
            XCTAssertEqual(d.batch, 2, "\(d)")   // the first update makes the weights infinite
        }
    }

    /// A last batch of one image (101 images, batch 100) trains every model, WAE-MMD included
    /// (its unbiased MMD² needs two codes and skips the term).
    func testOneImageLastBatchTrainsEveryModel() throws {
        let data = try MNISTSubset.load(train: 101)
        for family in ModelRegistry.families {
            var settings = TrainingSettings()
            settings.epochs = 1
            let trainer = Trainer(model: makeModel(family.name, smallConfig(hidden: [16])), settings: settings)
            XCTAssertNoThrow(try trainer.train(data), family.name)
            XCTAssertEqual(trainer.history.epochs, 1, family.name)
        }
    }
}
