import Datasets
import Models
import NeuralNet
import Training

// The sections of a spec. Each reads its JSON object through `Fields` (every default written at
// the read, unknown keys rejected) and writes itself back whole as `json`.

/// `dataset`: a registered dataset and which of its images are used.
public struct DatasetSpec: Codable, Sendable, Equatable {
    /// A name in `DatasetInfo.registered`.
    public internal(set) var name: String
    public internal(set) var options: DatasetOptions

    /// The registered dataset (the name was checked when the spec was read).
    public var info: DatasetInfo { DatasetInfo.registered.first { $0.name == name }! }

    init(_ f: Fields) throws {
        try f.only(["name", "validation_size", "train_limit", "test_limit", "binarization"])
        name = try f.string("name", default: "mnist")
        let known = DatasetInfo.registered.map(\.name)
        guard known.contains(name) else { throw f.problem("name", unknownName(name, "dataset", known: known)) }
        options = DatasetOptions(validationSize: try f.int("validation_size", default: 1000, min: 0),
                                 trainLimit: try f.optionalInt("train_limit", min: 1),
                                 testLimit: try f.optionalInt("test_limit", min: 1),
                                 binarization: try f.choice("binarization", default: Binarization.none))
    }

    var json: JSONValue {
        .object(["name": JSONValue(name), "validation_size": JSONValue(options.validationSize),
                 "train_limit": options.trainLimit.map(JSONValue.init) ?? .null,
                 "test_limit": options.testLimit.map(JSONValue.init) ?? .null,
                 "binarization": JSONValue(options.binarization.rawValue)])
    }

    public init(from decoder: any Decoder) throws { try self.init(Fields(decoder)) }
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

/// `network`: the networks' layers and shared options. `hidden` (and `discriminator_hidden`)
/// are the MLP shorthand; `encoder`, `decoder` and `discriminator` give a network's layers
/// (dense, convolutions, reshape, flatten) and, in object form, its own options.
public struct NetworkSpec: Codable, Sendable, Equatable {
    /// Encoder hidden sizes (the decoder uses them reversed); may be empty (a linear map).
    public internal(set) var hidden: [Int]
    /// Hidden sizes of the latent discriminator (adversarial models).
    public internal(set) var discriminatorHidden: [Int]
    public internal(set) var activation: Activation
    public internal(set) var batchNorm: Bool
    /// Size of η for the universal-approximator encoder head.
    public internal(set) var noiseDimension: Int
    /// The networks whose hidden layers get the (swept) dropout rate, in the order encoder,
    /// decoder, discriminator.
    public internal(set) var dropoutIn: [NetworkRole]
    /// Standard deviation of ε in the Gaussian encoder head's z = μ + σ·ε.
    public internal(set) var encoderNoiseStd: Double
    /// Weight initialisation of every network without its own `init`.
    public internal(set) var initializer: Initializer
    /// The networks given by their layers.
    var layers: [NetworkRole: NetworkLayersSpec]

    static let keys = ["hidden", "discriminator_hidden", "activation", "batch_norm", "noise_dim", "dropout_in",
                       "encoder_noise_std", "init", "encoder", "decoder", "discriminator"]

    init(_ f: Fields) throws {
        try f.only(Self.keys)
        var layers: [NetworkRole: NetworkLayersSpec] = [:]
        for role in NetworkRole.allCases {
            if let value = f[role.rawValue] { layers[role] = try NetworkLayersSpec(value, at: f.path + role.rawValue) }
        }
        self.layers = layers
        if f["hidden"] != nil && layers[.encoder] != nil && layers[.decoder] != nil {
            throw f.problem("hidden", "not used when network.encoder and network.decoder give the layers; remove it")
        }
        if f["discriminator_hidden"] != nil && layers[.discriminator] != nil {
            throw f.problem("discriminator_hidden", "not used when network.discriminator gives the layers; remove it")
        }
        if layers[.discriminator]?.overrides.batchNorm == true {
            throw SpecProblem(f.path + "discriminator" + "batch_norm",
                              "expected false: the discriminator scores real and fake codes in one batch, which batch norm would mix")
        }
        hidden = try f.ints("hidden", default: [1200, 1200], min: 1)
        discriminatorHidden = try f.ints("discriminator_hidden", default: [1200, 1200], min: 1)
        activation = try f.choice("activation", default: Activation.relu)
        batchNorm = try f.bool("batch_norm", default: false)
        noiseDimension = try f.int("noise_dim", default: 8, min: 1)
        if let list = f["dropout_in"] {
            let path = f.path + "dropout_in"
            let roles: [NetworkRole] = try list.array(at: path).enumerated().map { try $1.choice(at: path + $0) }
            guard !roles.isEmpty else {
                throw SpecProblem(path, "expected a non-empty list of encoder, decoder, discriminator (set dropout to 0 for none)")
            }
            dropoutIn = NetworkRole.allCases.filter(roles.contains)
        } else {
            dropoutIn = [.encoder]
        }
        encoderNoiseStd = try f.number("encoder_noise_std", default: 1, .positive)
        initializer = try f["init"].map { try Initializer(spec: $0, at: f.path + "init") } ?? .glorotUniform()
    }

    /// Whether `hidden` shapes a network (the encoder or the decoder is not given by its layers).
    var usesHidden: Bool { layers[.encoder] == nil || layers[.decoder] == nil }

    var json: JSONValue {
        var o: [String: JSONValue] = [
            "hidden": usesHidden ? JSONValue(hidden) : .null,
            "discriminator_hidden": layers[.discriminator] == nil ? JSONValue(discriminatorHidden) : .null,
            "activation": JSONValue(activation.rawValue), "batch_norm": JSONValue(batchNorm),
            "noise_dim": JSONValue(noiseDimension), "dropout_in": .array(dropoutIn.map { JSONValue($0.rawValue) }),
            "encoder_noise_std": JSONValue(encoderNoiseStd)]
        // Written only when not the default, so that the resolved runs of specs from before
        // architectures were configurable keep their JSON.
        if initializer != .glorotUniform() { o["init"] = initializer.specJSON }
        for (role, spec) in layers { o[role.rawValue] = spec.json }
        return .object(o)
    }

    public init(from decoder: any Decoder) throws { try self.init(Fields(decoder)) }
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

/// `training`: the trainer's settings.
public struct TrainingSpec: Codable, Sendable, Equatable {
    /// Every field but `seed`, which is the spec's top-level (or swept) `seed` and is set per run.
    public internal(set) var settings: TrainingSettings

    init(_ f: Fields) throws {
        try f.only(["epochs", "batch_size", "learning_rate", "adam", "schedule", "drop_last"])
        var s = TrainingSettings()
        s.epochs = try f.int("epochs", default: 20, min: 1)
        s.batchSize = try f.int("batch_size", default: 100, min: 2)
        let rates = try f.object("learning_rate")
        try rates.only(["reconstruction", "regularization"])
        s.reconstructionLearningRate = Float(try rates.number("reconstruction", default: 1e-3, .positive))
        s.regularizationLearningRate = Float(try rates.number("regularization", default: 1e-4, .positive))
        let adam = try f.object("adam")
        try adam.only(["beta1", "beta2"])
        s.beta1 = Float(try adam.number("beta1", default: 0.9, .fraction))
        s.beta2 = Float(try adam.number("beta2", default: 0.999, .fraction))
        s.schedule = try LearningRateSchedule(spec: f.object("schedule"))
        s.dropLast = try f.bool("drop_last", default: false)
        settings = s
    }

    var json: JSONValue {
        .object(["epochs": JSONValue(settings.epochs), "batch_size": JSONValue(settings.batchSize),
                 "learning_rate": .object(["reconstruction": JSONValue(settings.reconstructionLearningRate),
                                           "regularization": JSONValue(settings.regularizationLearningRate)]),
                 "adam": .object(["beta1": JSONValue(settings.beta1), "beta2": JSONValue(settings.beta2)]),
                 "schedule": settings.schedule.specJSON, "drop_last": JSONValue(settings.dropLast)])
    }

    public init(from decoder: any Decoder) throws { try self.init(Fields(decoder)) }
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}
