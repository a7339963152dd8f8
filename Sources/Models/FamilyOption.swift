/// An option a family reads from `model_options.MODEL` in a spec: declared in the family's own
/// file, with its default and its check; the spec reader, `docs/spec.md` and `aelab models`
/// read these declarations.
public struct FamilyOption: Sendable {
    public enum Kind: Sendable, Equatable {
        /// A real number in `range` (`lowerOpen`: the lower bound itself is refused).
        case number(ClosedRange<Double>, lowerOpen: Bool)
        /// An integer of at least `min`.
        case integer(min: Int)
        /// How the encoder is updated against the discriminator: "phased", "joint" or
        /// {"joint": {"reconstruction_weight": …, "adversarial_weight": …}}.
        case adversarialUpdate
    }

    public let key: String
    public let kind: Kind
    public let defaultValue: OptionValue
    /// One line for docs/spec.md and --help: what it means.
    public let summary: String

    public init(_ key: String, _ kind: Kind, default value: OptionValue, _ summary: String) {
        self.key = key
        self.kind = kind
        self.defaultValue = value
        self.summary = summary
    }

    /// A positive real number.
    public static func positive(_ key: String, default value: Double, _ summary: String) -> FamilyOption {
        FamilyOption(key, .number(0...Double.greatestFiniteMagnitude, lowerOpen: true), default: .number(value), summary)
    }

    /// What the option accepts, in words ("a number > 0").
    public var expected: String {
        switch kind {
        case .number(let r, let open):
            let low = "\(open ? ">" : "≥") \(r.lowerBound.formatted)"
            return r.upperBound == .greatestFiniteMagnitude ? "a number \(low)" : "a number \(low) and ≤ \(r.upperBound.formatted)"
        case .integer(let min): return "an integer ≥ \(min)"
        case .adversarialUpdate: return "\"phased\", \"joint\" or {\"joint\": {\"reconstruction_weight\": …, \"adversarial_weight\": …}}"
        }
    }

    /// Whether `value` is of this kind and within its range.
    public func accepts(_ value: OptionValue) -> Bool {
        switch (kind, value) {
        case (.number(let r, let open), .number(let x)): return x.isFinite && r.contains(x) && !(open && x == r.lowerBound)
        case (.integer(let min), .integer(let n)): return n >= min
        case (.adversarialUpdate, .update): return true
        default: return false
        }
    }
}

/// A family option's value.
public enum OptionValue: Sendable, Equatable {
    case number(Double)
    case integer(Int)
    case update(AdversarialUpdate)

    public var number: Double? { if case .number(let x) = self { x } else { nil } }
    public var integer: Int? { if case .integer(let n) = self { n } else { nil } }
    public var update: AdversarialUpdate? { if case .update(let u) = self { u } else { nil } }

    /// As docs and messages show it.
    public var text: String {
        switch self {
        case .number(let x): return x.formatted
        case .integer(let n): return "\(n)"
        case .update(.phased): return "\"phased\""
        case .update(.joint(let r, let a)): return "{\"joint\": {\"reconstruction_weight\": \(r), \"adversarial_weight\": \(a)}}"
        }
    }
}

extension Double {
    /// The shortest decimal: 10, 0.5, 1e-05.
    var formatted: String { exactInteger.map(String.init) ?? "\(self)" }
    private var exactInteger: Int? { self == rounded() && abs(self) < 1e15 ? Int(self) : nil }
}
