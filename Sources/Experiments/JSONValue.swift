import Foundation

/// A JSON document as a plain value: what a spec file is parsed into, what `--set` edits and
/// what a sweep substitutes into, before the spec's types read it.
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let x = try? c.decode(Double.self) { self = .number(x) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    /// Integral numbers are written without a fraction (`8`, not `8.0`).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let x): if let i = x.exactInteger { try c.encode(i) } else { try c.encode(x) }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// A number holding `f`'s shortest decimal form, so Float 0.001 is written `0.001`, not
    /// `0.0010000000474974513`.
    init(_ f: Float) { self = .number(Double(f.description) ?? Double(f)) }
    init(_ i: Int) { self = .number(Double(i)) }
    init(_ x: Double) { self = .number(x) }
    init(_ s: String) { self = .string(s) }
    init(_ b: Bool) { self = .bool(b) }
    init(_ values: [Int]) { self = .array(values.map(JSONValue.init)) }
    init(_ values: [Double]) { self = .array(values.map(JSONValue.init)) }

    /// Parses JSON text; a syntax error names the line and column where the parser gave up.
    /// `strict`: also refuse what Foundation's decoder lets through (`JSONStrictness`).
    static func parse(_ data: Data, strict: Bool = true) throws -> JSONValue {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw SpecProblem(JSONPath(), "invalid JSON\(syntaxErrorDetail(data))")
        }
        if strict, let problem = JSONStrictness.problem(in: data) { throw problem }
        return value
    }

    /// The value at the object keys `keys` (nil when a key is absent or a step is not an object).
    subscript(keys: [String]) -> JSONValue? {
        var node = self
        for key in keys {
            guard case .object(let o) = node, let next = o[key] else { return nil }
            node = next
        }
        return node
    }

    /// The value at `path` (keys and indices).
    subscript(path: JSONPath) -> JSONValue? {
        var node = self
        for component in path.components {
            switch (component, node) {
            case (.key(let k), .object(let o)): guard let next = o[k] else { return nil }; node = next
            case (.index(let i), .array(let a)): guard a.indices.contains(i) else { return nil }; node = a[i]
            default: return nil
            }
        }
        return node
    }

    /// Sets the value at object keys `keys`, creating missing objects on the way.
    /// - Returns: false if a step on the way exists and is not an object (nothing is changed).
    @discardableResult
    mutating func set(_ value: JSONValue, at keys: ArraySlice<String>) -> Bool {
        guard let key = keys.first else { self = value; return true }
        if self == .null { self = .object([:]) }
        guard case .object(var o) = self else { return false }
        var child = o[key] ?? .null
        guard child.set(value, at: keys.dropFirst()) else { return false }
        o[key] = child
        self = .object(o)
        return true
    }

    /// Neither a list nor an object.
    var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }

    /// Compact JSON for messages: `5`, `0.25`, `"abc"`, `[2, 8]`, shortened past 60 characters.
    var rendered: String {
        let text = compactText
        return text.count <= 60 ? text : String(text.prefix(57)) + "…"
    }

    /// Compact JSON, whole (run files store network layers this way).
    var compactText: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let x): return x.exactInteger.map(String.init) ?? "\(x)"
        case .string(let s): return s.jsonQuoted
        case .array(let a): return "[" + a.map(\.compactText).joined(separator: ", ") + "]"
        case .object(let o):
            return "{" + o.keys.sorted().map { "\(JSONValue.string($0).compactText): \(o[$0]!.compactText)" }
                .joined(separator: ", ") + "}"
        }
    }

    /// JSON text with sorted keys, indented.
    var prettyText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension String {
    /// The string as a JSON string literal (one line: control characters are escaped).
    var jsonQuoted: String {
        var out = "\""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension Double {
    /// The value as an Int when it is a whole number that a Double holds exactly (|x| ≤ 2⁵³).
    var exactInteger: Int? {
        guard rounded() == self, abs(self) <= 9_007_199_254_740_992 else { return nil }
        return Int(self)
    }
}

/// " at line L, column C: reason" from JSONSerialization's "… around character N." message,
/// or ": reason" when it gives no position.
private func syntaxErrorDetail(_ data: Data) -> String {
    do {
        _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        return ": the document could not be decoded"
    } catch {
        let text = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
        var reason = text.trimmingCharacters(in: CharacterSet(charactersIn: ". \n")).lowercased()
        var offset = data.count
        if let range = reason.range(of: #" around character \d+"#, options: .regularExpression),
           let at = Int(reason[range].filter(\.isNumber)) {
            offset = min(at, data.count)
            reason.removeSubrange(range)
        } else if !reason.contains("end of file") {
            return ": " + reason
        }
        let before = data.prefix(offset)
        let line = before.filter { $0 == UInt8(ascii: "\n") }.count + 1
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? before.startIndex
        let column = String(decoding: before[lineStart...], as: UTF8.self).count + 1
        return " at line \(line), column \(column): " + reason
    }
}
