/// One JSON object of a spec, being read. Every read names its default (used when the key is
/// absent or null) and its range; every problem is a `SpecProblem` at the exact JSON path.
struct Fields {
    let object: [String: JSONValue]
    let path: JSONPath

    init(_ value: JSONValue, at path: JSONPath) throws {
        guard case .object(let object) = value else { throw SpecProblem(path, "expected an object, got \(value.rendered)") }
        self.object = object
        self.path = path
    }

    /// The object a `Decoder` stands on (how the spec's types are `Decodable`).
    init(_ decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(JSONValue.self)
        try self.init(value, at: JSONPath(codingPath: decoder.codingPath))
    }

    /// Rejects any key outside `known`, suggesting the nearest known one.
    func only(_ known: [String]) throws {
        for key in object.keys.sorted() where !known.contains(key) {
            throw SpecProblem.unknownKey(key, at: path, known: known)
        }
    }

    /// The value of `key`; nil when absent or null (null means "the default").
    subscript(key: String) -> JSONValue? {
        guard let value = object[key], value != .null else { return nil }
        return value
    }

    /// The object at `key`, or an empty one (every default) when absent.
    func object(_ key: String) throws -> Fields {
        try Fields(self[key] ?? .object([:]), at: path + key)
    }

    func problem(_ key: String, _ message: String) -> SpecProblem { SpecProblem(path + key, message) }

    func int(_ key: String, default value: Int, min: Int, max: Int = .max) throws -> Int {
        try self[key].map { try $0.int(at: path + key, min: min, max: max) } ?? value
    }

    /// An integer that may be null (absent means nil too).
    func optionalInt(_ key: String, min: Int) throws -> Int? {
        try self[key].map { try $0.int(at: path + key, min: min) }
    }

    func number(_ key: String, default value: Double, _ range: NumberRange) throws -> Double {
        try self[key].map { try $0.number(at: path + key, range) } ?? value
    }

    func optionalNumber(_ key: String, _ range: NumberRange) throws -> Double? {
        try self[key].map { try $0.number(at: path + key, range) }
    }

    func bool(_ key: String, default value: Bool) throws -> Bool {
        guard let v = self[key] else { return value }
        guard case .bool(let b) = v else { throw problem(key, "expected true or false, got \(v.rendered)") }
        return b
    }

    func string(_ key: String, default value: String) throws -> String {
        try self[key].map { try $0.string(at: path + key) } ?? value
    }

    func requiredString(_ key: String, expected: String) throws -> String {
        guard let v = self[key] else { throw problem(key, "missing required key \(key.quoted) (\(expected))") }
        return try v.string(at: path + key)
    }

    /// One of an enum's raw values.
    func choice<E: RawRepresentable<String> & CaseIterable>(_ key: String, default value: E) throws -> E {
        try self[key].map { try $0.choice(at: path + key) } ?? value
    }

    /// A list of integers ≥ `min` (may be empty).
    func ints(_ key: String, default value: [Int], min: Int) throws -> [Int] {
        guard let v = self[key] else { return value }
        return try v.array(at: path + key).enumerated().map { i, x in try x.int(at: path + key + i, min: min) }
    }
}

/// The numbers a setting accepts.
enum NumberRange: Sendable {
    /// x > 0
    case positive
    /// x ≥ 0
    case nonNegative
    /// 0 ≤ x < 1
    case fraction

    func contains(_ x: Double) -> Bool {
        switch self {
        case .positive: return x > 0
        case .nonNegative: return x >= 0
        case .fraction: return x >= 0 && x < 1
        }
    }

    var expected: String {
        switch self {
        case .positive: return "a number > 0"
        case .nonNegative: return "a number ≥ 0"
        case .fraction: return "a number in [0, 1)"
        }
    }
}

/// Reading one JSON value as a setting's type, with the path for the error.
extension JSONValue {
    func int(at path: JSONPath, min: Int, max: Int = .max) throws -> Int {
        let expected = max == .max ? "an integer ≥ \(min)" : "an integer from \(min) to \(max)"
        guard case .number(let x) = self, let i = x.exactInteger, i >= min, i <= max else {
            throw SpecProblem(path, "expected \(expected), got \(rendered)")
        }
        return i
    }

    func number(at path: JSONPath, _ range: NumberRange) throws -> Double {
        guard case .number(let x) = self, range.contains(x) else {
            throw SpecProblem(path, "expected \(range.expected), got \(rendered)")
        }
        guard abs(x) <= Double(Float.greatestFiniteMagnitude) else {
            throw SpecProblem(path, "expected \(range.expected) that a Float holds (below 3.4e38), got \(rendered)")
        }
        return x
    }

    func string(at path: JSONPath) throws -> String {
        guard case .string(let s) = self else { throw SpecProblem(path, "expected a string, got \(rendered)") }
        return s
    }

    func array(at path: JSONPath) throws -> [JSONValue] {
        guard case .array(let a) = self else { throw SpecProblem(path, "expected a list, got \(rendered)") }
        return a
    }

    func choice<E: RawRepresentable<String> & CaseIterable>(at path: JSONPath) throws -> E {
        let names = E.allCases.map(\.rawValue)
        guard case .string(let s) = self else {
            throw SpecProblem(path, "expected one of \(names.joined(separator: ", ")), got \(rendered)")
        }
        guard let value = E(rawValue: s) else {
            throw SpecProblem(path, "unknown value \(s.quoted); \(suggestion(for: s, among: names, noun: "values"))")
        }
        return value
    }
}
