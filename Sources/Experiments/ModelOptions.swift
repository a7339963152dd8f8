import Models

/// `model_options.MODEL`: what one model family reads beyond the shared settings: the encoder
/// head, the reconstruction loss, learning-rate overrides, and the options its family declares
/// (`ModelFamily.options`: λ of the WAEs, the AAEs' update, β-VAE's β, …). A `Spec` holds them
/// resolved: every option the family reads is filled in with its default; the learning-rate
/// overrides stay nil unless given.
public struct ModelOptions: Sendable, Equatable {
    public internal(set) var encoderHead: EncoderHead?
    public internal(set) var reconstruction: ReconstructionLoss?
    /// The family's own options, by key.
    public internal(set) var family: [String: OptionValue] = [:]
    /// Replace `training.learning_rate.reconstruction` / `.regularization` for this model.
    public internal(set) var reconstructionLearningRate: Double?
    public internal(set) var regularizationLearningRate: Double?

    /// The keys every family reads.
    static let sharedKeys = ["encoder_head", "reconstruction", "learning_rate"]

    init() {}

    init(_ f: Fields, model: String) throws {
        let family = ModelRegistry.family(named: model)!
        let own = family.options.map(\.key)
        for key in f.object.keys.sorted() where !Self.sharedKeys.contains(key) && !own.contains(key) {
            let readers = ModelRegistry.families.filter { $0.options.contains { $0.key == key } }.map { $0.name }
            if !readers.isEmpty {
                throw f.problem(key, "\(model) does not read \(key.quoted); only \(readers.joined(separator: ", ")) \(readers.count == 1 ? "does" : "do")")
            }
        }
        try f.only(Self.sharedKeys + own)
        encoderHead = try f["encoder_head"].map { try $0.choice(at: f.path + "encoder_head") }
        if family.requiresGaussianHead, let head = encoderHead, head != .gaussian {
            throw f.problem("encoder_head", "expected 'gaussian' (\(model)'s KL term needs μ and log σ²), got \(head.rawValue.quoted)")
        }
        reconstruction = try f["reconstruction"].map { try $0.choice(at: f.path + "reconstruction") }
        if let loss = reconstruction, !family.reconstructionLosses.contains(loss) {
            throw f.problem("reconstruction", "expected \(family.reconstructionLosses.map { $0.rawValue.quoted }.joined(separator: " or ")) (\(model)'s objective needs it), got \(loss.rawValue.quoted)")
        }
        for option in family.options {
            if let value = f[option.key] { self.family[option.key] = try option.value(value, at: f.path + option.key) }
        }
        let rates = try f.object("learning_rate")
        try rates.only(["reconstruction", "regularization"])
        reconstructionLearningRate = try rates.optionalNumber("reconstruction", .positive)
        regularizationLearningRate = try rates.optionalNumber("regularization", .positive)
    }

    /// With every option `model` reads filled in: the family's encoder head and reconstruction
    /// loss, and each declared option's default.
    func resolved(for model: String) -> ModelOptions {
        let family = ModelRegistry.family(named: model)!
        var o = self
        o.encoderHead = encoderHead ?? family.defaultHead
        o.reconstruction = reconstruction ?? family.defaultReconstruction
        for option in family.options where o.family[option.key] == nil { o.family[option.key] = option.defaultValue }
        return o
    }

    /// The options that are set; null-free.
    var json: JSONValue {
        var o: [String: JSONValue] = [:]
        o["encoder_head"] = encoderHead.map { JSONValue($0.rawValue) }
        o["reconstruction"] = reconstruction.map { JSONValue($0.rawValue) }
        for (key, value) in family { o[key] = value.specJSON }
        var rates: [String: JSONValue] = [:]
        rates["reconstruction"] = reconstructionLearningRate.map(JSONValue.init)
        rates["regularization"] = regularizationLearningRate.map(JSONValue.init)
        if !rates.isEmpty { o["learning_rate"] = .object(rates) }
        return .object(o)
    }
}

extension FamilyOption {
    /// The option's value from its JSON, checked against its kind and range.
    func value(_ json: JSONValue, at path: JSONPath) throws -> OptionValue {
        let value: OptionValue
        switch kind {
        case .number:
            guard case .number(let x) = json else { throw SpecProblem(path, "expected \(expected), got \(json.rendered)") }
            value = .number(x)
        case .integer:
            guard case .number(let x) = json, let n = x.exactInteger else { throw SpecProblem(path, "expected \(expected), got \(json.rendered)") }
            value = .integer(n)
        case .adversarialUpdate:
            value = .update(try AdversarialUpdate(spec: json, at: path))
        }
        guard accepts(value) else { throw SpecProblem(path, "expected \(expected), got \(json.rendered)") }
        return value
    }
}

extension OptionValue {
    var specJSON: JSONValue {
        switch self {
        case .number(let x): return JSONValue(x)
        case .integer(let n): return JSONValue(n)
        case .update(let u): return u.specJSON
        }
    }
}
