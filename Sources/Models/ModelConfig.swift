import NeuralNet

/// How the adversarial models update the encoder against the discriminator.
public enum AdversarialUpdate: Sendable, Equatable {
    /// The paper's scheme: a reconstruction phase, then a discriminator phase, then a generator
    /// phase, each with its own optimizer.
    case phased
    /// One encoder–decoder phase on w_r·reconstruction + w_a·generator loss (as some PyTorch ports
    /// do, e.g. 0.999 and 0.001), then the discriminator phase.
    case joint(reconstructionWeight: Float, adversarialWeight: Float)
}

/// The networks a model is built from, for settings that apply to some of them.
public enum NetworkRole: String, Sendable, CaseIterable, Hashable {
    case encoder, decoder, discriminator
}

/// Everything needed to build one model. Family-specific settings left nil take the family's
/// default (e.g. the VAE's Gaussian encoder head, WAE's squared-error cost).
public struct ModelConfig: Sendable, Equatable {
    /// Pixels per image.
    public var inputs = 784
    /// Label classes (conditional models).
    public var classes = 10
    public var latent = 8
    /// Hidden layer sizes of the encoder (reversed for the decoder).
    public var hidden = [1200, 1200]
    /// Hidden layer sizes of the latent discriminator.
    public var discriminatorHidden = [1200, 1200]
    public var activation: Activation = .relu
    /// Dropout rate after each hidden layer of the networks in `dropoutIn`.
    public var dropout: Float = 0
    /// The networks whose hidden layers get dropout: the encoder by default; the PaddlePaddle
    /// reproduction of the AAE paper (345 on MNIST) puts it in all three.
    public var dropoutIn: Set<NetworkRole> = [.encoder]
    public var batchNorm = false
    public var prior: Prior = .gaussian(std: 5)
    public var encoderHead: EncoderHead? = nil
    /// Size of η for the universal-approximator head.
    public var noiseDimension = 8
    /// Standard deviation of ε in the Gaussian head's z = μ + exp(½ log σ²)·ε (1: the usual
    /// reparameterisation; the PaddlePaddle AAE reproduction draws ε from N(0, 5²)).
    public var encoderNoiseStd: Float = 1
    public var reconstruction: ReconstructionLoss? = nil
    /// λ of the WAE objectives (default 1 for WAE-GAN, 10 for WAE-MMD).
    public var lambda: Float? = nil
    public var adversarialUpdate: AdversarialUpdate = .phased

    public init() {}
}
