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
    /// Dropout rate after each hidden layer of the encoder.
    public var dropout: Float = 0
    public var batchNorm = false
    public var prior: Prior = .gaussian(std: 5)
    public var encoderHead: EncoderHead? = nil
    /// Size of η for the universal-approximator head.
    public var noiseDimension = 8
    public var reconstruction: ReconstructionLoss? = nil
    /// λ of the WAE objectives (default 1 for WAE-GAN, 10 for WAE-MMD).
    public var lambda: Float? = nil
    public var adversarialUpdate: AdversarialUpdate = .phased

    public init() {}
}
