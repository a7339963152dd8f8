import Glibc
import Models
import NeuralNet
import TensorCore
import XCTest

/// The two families added as one file each: their losses against independent computations, and
/// their gradients against finite differences.
final class BetaVAEAndIWAETests: XCTestCase {
    func batch(_ n: Int = 6, seed: UInt64 = 4) -> Batch {
        var rng = RandomStream(seed: seed, purpose: "images")
        return Batch(images: Tensor.uniform([n, 784], using: &rng), labels: (0..<n).map { $0 % 10 })
    }

    /// The value of a model's first phase on `batch` with the noise of `seed`.
    func loss(_ model: Autoencoder, _ batch: Batch, seed: UInt64 = 7) -> (total: Float, terms: [String: Float]) {
        var context = ForwardContext(mode: .training, seed: seed)
        return withoutGradient { tape in
            let l = model.phases[0].loss(batch, tape, &context)
            return (l.total.value.scalar, Dictionary(uniqueKeysWithValues: l.terms.map { ($0.name, $0.value) }))
        }
    }

    func testBetaVAEWeighsTheKLTermAndWarmsUp() {
        XCTAssertEqual(BetaVAE.klWarmup(epoch: 0, over: 4), 0.25)
        XCTAssertEqual(BetaVAE.klWarmup(epoch: 3, over: 4), 1)
        XCTAssertEqual(BetaVAE.klWarmup(epoch: 9, over: 4), 1)
        XCTAssertEqual(BetaVAE.klWarmup(epoch: 0, over: 0), 1)
        var config = smallConfig(hidden: [32])
        config.options = ["beta": .number(3), "warmup_epochs": .integer(4)]
        let beta = makeModel("beta-vae", config), vae = makeModel("vae", config)
        let b = batch()
        for epoch in [0, 1, 5] {
            beta.epochsCompleted = epoch
            let l = loss(beta, b), v = loss(vae, b)
            // Same weights, same noise: the same reconstruction and KL as the VAE's.
            XCTAssertEqual(l.terms["reconstruction"]!, v.terms["reconstruction"]!, accuracy: 1e-3)
            XCTAssertEqual(l.terms["kl"]!, v.terms["kl"]!, accuracy: 1e-4)
            XCTAssertEqual(l.terms["negative_elbo"]!, v.total, accuracy: 1e-3)
            let weight = 3 * Float(min(epoch + 1, 4)) / 4
            XCTAssertEqual(l.total, l.terms["reconstruction"]! + weight * l.terms["kl"]!, accuracy: 1e-3, "epoch \(epoch)")
        }
    }

    /// L_K recomputed from the encoder's μ, log σ², the same ε and the decoder, in Double.
    func testIWAEBoundMatchesABruteForceComputation() {
        for k in [1, 5] {
            var config = smallConfig(hidden: [32])
            config.options = ["samples": .integer(k)]
            let model = makeModel("iwae", config)
            let b = batch(4)
            let value = loss(model, b, seed: 7).total
            // The phase draws the encoder's own ε first, then K·n ε of its own.
            var context = ForwardContext(mode: .training, seed: 7)
            let (mu, logVariance) = withoutGradient { tape in
                let q = model.encode(b, tape, &context)
                return (q.mean!.value, q.logVariance!.value)
            }
            let n = 4, d = 8
            let epsilon = Tensor.normal([k * n, d], using: &context.noise)
            var total = 0.0
            for i in 0..<n {
                var logWeights: [Double] = []
                for s in 0..<k {
                    let e = epsilon.rows((s * n + i)..<(s * n + i + 1))
                    let z = mu.rows(i..<(i + 1)) + (logVariance.rows(i..<(i + 1)) * 0.5).exp() * e
                    let logits = model.decodeForTests(z, label: b.labels[i])
                    let bce = binaryCrossEntropyElements(logits: logits, targets: b.images.rows(i..<(i + 1))).scalars.reduce(0.0) { $0 + Double($1) }
                    let logPrior = -0.5 * z.scalars.reduce(0.0) { $0 + Double($1 * $1) }
                    let logPosterior = -0.5 * e.scalars.reduce(0.0) { $0 + Double($1 * $1) }
                        - 0.5 * logVariance.rows(i..<(i + 1)).scalars.reduce(0.0) { $0 + Double($1) }
                    logWeights.append(-bce + logPrior - logPosterior)
                }
                let top = logWeights.max()!
                total += top + log(logWeights.reduce(0) { $0 + exp($1 - top) } / Double(k))
            }
            XCTAssertEqual(Double(value), -total / Double(n), accuracy: 1e-3 * abs(total / Double(n)), "K = \(k)")
        }
    }

    /// The bound tightens with K on average (Burda et al.'s Theorem 1): over 20 noise draws,
    /// mean L_1 ≤ mean L_5 ≤ mean L_50 for a fixed model and batch.
    func testIWAEBoundRisesWithK() {
        let b = batch(8)
        var means: [Double] = []
        for k in [1, 5, 50] {
            var config = smallConfig(hidden: [32])
            config.options = ["samples": .integer(k)]
            let model = makeModel("iwae", config)
            let values = (0..<20).map { Double(-loss(model, b, seed: UInt64(100 + $0)).total) }
            means.append(values.reduce(0, +) / 20)
        }
        XCTAssertLessThan(means[0], means[1])
        XCTAssertLessThan(means[1], means[2])
    }

    /// Reverse-mode gradients of both losses against central differences, on parameters of the
    /// encoder and the decoder (the noise is the same in every evaluation).
    func testGradientsMatchFiniteDifferences() {
        for (name, options) in [("beta-vae", ["beta": OptionValue.number(2.5), "warmup_epochs": .integer(2)]),
                                ("iwae", ["samples": OptionValue.integer(3)])] {
            var config = smallConfig(hidden: [16])
            config.latent = 3
            config.options = options
            let model = makeModel(name, config)
            let b = batch(3)
            let phase = model.phases[0]
            var context = ForwardContext(mode: .training, seed: 11)
            let (_, gradients) = valueAndGradient(of: phase.parameters) { tape in phase.loss(b, tape, &context).total }
            var worst: Float = 0
            // A few elements of the encoder's first weight, its code layer's bias and the decoder's last bias.
            let picks = [(0, 5), (0, 700), (phase.parameters.count / 2 - 1, 0), (phase.parameters.count - 1, 100)]
            for (p, e) in picks {
                let parameter = phase.parameters[p]
                let original = parameter.value
                func value(_ delta: Float) -> Double {
                    parameter.value.withUnsafeMutableBufferPointer { $0[e] = original.scalars[e] + delta }
                    defer { parameter.value = original }
                    return Double(loss(model, b, seed: 11).total)
                }
                let h: Float = 1e-2
                let numeric = Float((value(h) - value(-h)) / Double(2 * h))
                let analytic = gradients[p].scalars[e]
                worst = max(worst, abs(numeric - analytic) / (2e-3 + 2e-2 * max(abs(numeric), abs(analytic))))
            }
            XCTAssertLessThanOrEqual(worst, 1, name)
        }
    }
}

extension Autoencoder {
    /// The decoder's logits for one code and label, in evaluation mode.
    func decodeForTests(_ z: Tensor, label: Int) -> Tensor {
        var context = ForwardContext.evaluation
        return withoutGradient { tape in decoder(tape.constant(z), labels: [label], &context).value }
    }
}
