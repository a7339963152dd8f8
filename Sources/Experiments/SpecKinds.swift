import Models
import Training

/// How a spec writes the enums with payloads of Models and Training: an object with a `kind`
/// (prior, schedule), or a name or a one-key object (adversarial update).

enum PriorKind: String, CaseIterable {
    case gaussian, mixture, swissRoll = "swiss_roll"
}

extension Prior {
    /// `{"kind": "gaussian", "std": 5}`, `{"kind": "mixture", "components": 10, "radius": 4, "std": 0.5}`
    /// or `{"kind": "swiss_roll", "radius": 4, "classes": 10}`; each kind accepts only its own keys.
    init(spec f: Fields) throws {
        switch try f.choice("kind", default: PriorKind.gaussian) {
        case .gaussian:
            try f.only(["kind", "std"])
            self = .gaussian(std: Float(try f.number("std", default: 5, .positive)))
        case .mixture:
            try f.only(["kind", "components", "radius", "std"])
            self = .mixture(components: try f.int("components", default: 10, min: 1),
                            radius: Float(try f.number("radius", default: 4, .positive)),
                            std: Float(try f.number("std", default: 0.5, .positive)))
        case .swissRoll:
            try f.only(["kind", "radius", "classes"])
            self = .swissRoll(radius: Float(try f.number("radius", default: 4, .positive)),
                              classes: try f.int("classes", default: 10, min: 1))
        }
    }

    var specJSON: JSONValue {
        switch self {
        case .gaussian(let std):
            return .object(["kind": "gaussian", "std": JSONValue(std)])
        case .mixture(let components, let radius, let std):
            return .object(["kind": "mixture", "components": JSONValue(components), "radius": JSONValue(radius),
                            "std": JSONValue(std)])
        case .swissRoll(let radius, let classes):
            return .object(["kind": "swiss_roll", "radius": JSONValue(radius), "classes": JSONValue(classes)])
        }
    }

    /// The mixture and the swiss roll live in the first two latent dimensions.
    var minimumLatentDimension: Int {
        if case .gaussian = self { return 1 }
        return 2
    }
}

enum ScheduleKind: String, CaseIterable {
    case constant, step
}

extension LearningRateSchedule {
    /// `{"kind": "constant"}` or `{"kind": "step", "every": 10, "factor": 0.1}`.
    init(spec f: Fields) throws {
        switch try f.choice("kind", default: ScheduleKind.constant) {
        case .constant:
            try f.only(["kind"])
            self = .constant
        case .step:
            try f.only(["kind", "every", "factor"])
            self = .step(every: try f.int("every", default: 10, min: 1),
                         factor: Float(try f.number("factor", default: 0.1, .positive)))
        }
    }

    var specJSON: JSONValue {
        switch self {
        case .constant: return .object(["kind": "constant"])
        case .step(let every, let factor):
            return .object(["kind": "step", "every": JSONValue(every), "factor": JSONValue(factor)])
        }
    }
}

extension AdversarialUpdate {
    /// `"phased"`, `"joint"` (weights 0.999 and 0.001), or
    /// `{"joint": {"reconstruction_weight": 0.999, "adversarial_weight": 0.001}}`.
    init(spec value: JSONValue, at path: JSONPath) throws {
        let expected = "expected \"phased\", \"joint\" or {\"joint\": {\"reconstruction_weight\": …, \"adversarial_weight\": …}}"
        switch value {
        case .string("phased"): self = .phased
        case .string("joint"): self = try AdversarialUpdate(joint: Fields(.object([:]), at: path + "joint"))
        case .object(let o) where o.count == 1 && o["joint"] != nil:
            self = try AdversarialUpdate(joint: Fields(o["joint"]!, at: path + "joint"))
        case .object(let o) where o.count == 1:
            throw SpecProblem.unknownKey(o.keys.first!, at: path, known: ["joint"])
        default:
            throw SpecProblem(path, "\(expected), got \(value.rendered)")
        }
    }

    private init(joint f: Fields) throws {
        try f.only(["reconstruction_weight", "adversarial_weight"])
        self = .joint(reconstructionWeight: Float(try f.number("reconstruction_weight", default: 0.999, .positive)),
                      adversarialWeight: Float(try f.number("adversarial_weight", default: 0.001, .positive)))
    }

    var specJSON: JSONValue {
        switch self {
        case .phased: return "phased"
        case .joint(let wr, let wa):
            return .object(["joint": .object(["reconstruction_weight": JSONValue(wr), "adversarial_weight": JSONValue(wa)])])
        }
    }
}
