import Models

/// `model_options.MODEL`: what one model family reads beyond the shared settings. A `Spec`
/// holds them resolved: every option the family reads is filled in with its default; the
/// learning-rate overrides stay nil unless given.
public struct ModelOptions: Sendable, Equatable {
    public internal(set) var encoderHead: EncoderHead?
    public internal(set) var reconstruction: ReconstructionLoss?
    /// λ of the WAE objectives (wae-gan, wae-mmd only).
    public internal(set) var lambda: Double?
    /// How the encoder is updated against the discriminator (aae, caae only).
    public internal(set) var update: AdversarialUpdate?
    /// Replace `training.learning_rate.reconstruction` / `.regularization` for this model.
    public internal(set) var reconstructionLearningRate: Double?
    public internal(set) var regularizationLearningRate: Double?

    init() {}

    init(_ f: Fields, model: String) throws {
        for (key, readers) in [("lambda", Rules.lambdaDefaults.keys.sorted()), ("update", Rules.updateModels)]
        where f.object[key] != nil && !readers.contains(model) {
            throw f.problem(key, "\(model) does not read \(key.quoted); only \(readers.joined(separator: ", ")) do")
        }
        try f.only(["encoder_head", "reconstruction", "learning_rate", "lambda", "update"])
        encoderHead = try f["encoder_head"].map { try $0.choice(at: f.path + "encoder_head") }
        if ModelRegistry.family(named: model)?.requiresGaussianHead == true, let head = encoderHead, head != .gaussian {
            throw f.problem("encoder_head", "expected 'gaussian' (\(model)'s KL term needs μ and log σ²), got \(head.rawValue.quoted)")
        }
        reconstruction = try f["reconstruction"].map { try $0.choice(at: f.path + "reconstruction") }
        lambda = try f.optionalNumber("lambda", .positive)
        update = try f["update"].map { try AdversarialUpdate(spec: $0, at: f.path + "update") }
        let rates = try f.object("learning_rate")
        try rates.only(["reconstruction", "regularization"])
        reconstructionLearningRate = try rates.optionalNumber("reconstruction", .positive)
        regularizationLearningRate = try rates.optionalNumber("regularization", .positive)
    }

    /// With every option `model` reads filled in: the family's encoder head and reconstruction
    /// loss, λ for the WAEs, the phased update for the AAEs.
    func resolved(for model: String) -> ModelOptions {
        let family = ModelRegistry.family(named: model)!
        var o = self
        o.encoderHead = encoderHead ?? family.defaultHead
        o.reconstruction = reconstruction ?? family.defaultReconstruction
        if let defaultLambda = Rules.lambdaDefaults[model] { o.lambda = lambda ?? defaultLambda }
        if Rules.updateModels.contains(model) { o.update = update ?? .phased }
        return o
    }

    /// The options that are set; null-free.
    var json: JSONValue {
        var o: [String: JSONValue] = [:]
        o["encoder_head"] = encoderHead.map { JSONValue($0.rawValue) }
        o["reconstruction"] = reconstruction.map { JSONValue($0.rawValue) }
        o["lambda"] = lambda.map(JSONValue.init)
        o["update"] = update?.specJSON
        var rates: [String: JSONValue] = [:]
        rates["reconstruction"] = reconstructionLearningRate.map(JSONValue.init)
        rates["regularization"] = regularizationLearningRate.map(JSONValue.init)
        if !rates.isEmpty { o["learning_rate"] = .object(rates) }
        return .object(o)
    }

    /// Which families read which options. Models gives the options their meaning; these lists
    /// say where a spec may set them (the defaults are those of Models/Families).
    enum Rules {
        /// λ's default for each WAE (WAE.swift: 1 for WAE-GAN, 10 for WAE-MMD).
        static let lambdaDefaults: [String: Double] = ["wae-gan": 1, "wae-mmd": 10]
        /// The families whose phases follow `ModelConfig.adversarialUpdate`.
        static let updateModels = ["aae", "caae"]
    }
}
