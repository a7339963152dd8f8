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
    /// One image: [channels, height, width].
    public var imageShape = [1, 28, 28]
    /// Pixels per image (channels × height × width).
    public var inputs: Int { imageShape.reduce(1, *) }
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
    /// Weight initialisation of every network (unless `networks` says otherwise).
    public var initializer: Initializer = .glorotUniform()
    /// Per-network layers and options, replacing what `hidden`, `activation`, `dropout` and
    /// `batchNorm` give that network.
    public var networks: [NetworkRole: NetworkOverrides] = [:]
    /// The family's own options, resolved (every option it declares, with its default when not given).
    public var options: [String: OptionValue] = [:]

    public init() {}

    /// The layers and options of network `role`: its overrides, else the shared settings (the
    /// encoder's `hidden` layers, the decoder's reversed with the image's pixels as output, the
    /// discriminator's `discriminatorHidden`).
    public func architecture(_ role: NetworkRole) -> NetworkArchitecture {
        let o = networks[role] ?? NetworkOverrides()
        let layers: [LayerSpec]
        switch role {
        case .encoder: layers = o.layers ?? NetworkArchitecture.dense(hidden)
        case .decoder: layers = o.layers ?? NetworkArchitecture.dense(hidden.reversed() + [inputs])
        case .discriminator: layers = o.layers ?? NetworkArchitecture.dense(discriminatorHidden)
        }
        return NetworkArchitecture(layers: layers, activation: o.activation ?? activation,
                                   dropout: o.dropout ?? (dropoutIn.contains(role) ? dropout : 0),
                                   batchNorm: role == .discriminator ? false : (o.batchNorm ?? batchNorm),
                                   initializer: o.initializer ?? initializer)
    }

    /// A family option's value (`options`, which the spec reader fills with every declared
    /// option), or the family's default.
    public func option(_ key: String, of family: any ModelFamily.Type) -> OptionValue {
        if let value = options[key] { return value }
        guard let declared = family.options.first(where: { $0.key == key }) else {
            preconditionFailure("\(family.name) declares no option \(key)")
        }
        return declared.defaultValue
    }
}

/// What a spec sets for one network, over the shared settings.
public struct NetworkOverrides: Sendable, Equatable {
    public var layers: [LayerSpec]?
    public var activation: Activation?
    public var dropout: Float?
    public var batchNorm: Bool?
    public var initializer: Initializer?
    public init(layers: [LayerSpec]? = nil, activation: Activation? = nil, dropout: Float? = nil, batchNorm: Bool? = nil,
                initializer: Initializer? = nil) {
        self.layers = layers
        self.activation = activation
        self.dropout = dropout
        self.batchNorm = batchNorm
        self.initializer = initializer
    }
}
