/// A mistake in an experiment spec or a `--set`, told in one line:
/// `FILE: [--set PATH=VALUE: ]JSON.PATH: what was found and what was expected`.
public struct SpecError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The spec file as the user named it.
    public let file: String
    /// Where in the JSON, e.g. `sweep.latent_dim[1]` or `model_options.wae-gan.lambda`;
    /// empty for the document as a whole (a syntax error, an unreadable file).
    public let path: String
    /// What was wrong and what was expected.
    public let message: String
    /// The `--set path=value` argument that put the bad value there, if one did.
    public let override: String?

    public init(file: String, path: String, message: String, override: String? = nil) {
        self.file = file
        self.path = path
        self.message = message.oneLine
        self.override = override?.oneLine
    }

    public var description: String {
        var parts = [file]
        if let override { parts.append("--set \(override)") }
        if !path.isEmpty { parts.append(path) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}

/// A problem found while reading a spec, at a JSON path; `Spec.parse` names the file.
struct SpecProblem: Error {
    var path: JSONPath
    var message: String

    init(_ path: JSONPath, _ message: String) {
        self.path = path
        self.message = message
    }

    /// "unknown key 'x'; did you mean 'y'?" (or the known keys when none is close).
    static func unknownKey(_ key: String, at path: JSONPath, known: [String]) -> SpecProblem {
        SpecProblem(path + key, "unknown key \(key.quoted); \(suggestion(for: key, among: known, noun: "keys"))")
    }
}

/// A location in a JSON document: object keys and array indices, written `a.b[1].c`.
struct JSONPath: Hashable, Sendable, CustomStringConvertible {
    enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    var components: [Component] = []

    init(_ components: [Component] = []) { self.components = components }

    /// A dotted setting path such as `training.learning_rate.reconstruction`.
    init(setting: String) { components = setting.split(separator: ".", omittingEmptySubsequences: false).map { .key(String($0)) } }

    init(codingPath: [any CodingKey]) {
        components = codingPath.map { key in
            if let i = key.intValue, key.stringValue == "Index \(i)" { return .index(i) }
            return .key(key.stringValue)
        }
    }

    static func + (path: JSONPath, key: String) -> JSONPath { JSONPath(path.components + [.key(key)]) }
    static func + (path: JSONPath, index: Int) -> JSONPath { JSONPath(path.components + [.index(index)]) }
    static func + (path: JSONPath, tail: JSONPath) -> JSONPath { JSONPath(path.components + tail.components) }

    func hasPrefix(_ prefix: JSONPath) -> Bool { components.starts(with: prefix.components) }

    var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let k): text += text.isEmpty ? k : "." + k
            case .index(let i): text += "[\(i)]"
            }
        }
        return text
    }
}

/// "did you mean 'x'?" when a candidate is within a few edits of `word`, else the candidates.
func suggestion(for word: String, among candidates: [String], noun: String) -> String {
    nearest(to: word, among: candidates).map { "did you mean \($0.quoted)?" }
        ?? "known \(noun): " + candidates.joined(separator: ", ")
}

/// "unknown model 'vea'; did you mean 'vae'? known models: ae, vae, …" — always listing them.
func unknownName(_ name: String, _ noun: String, known: [String]) -> String {
    let hint = nearest(to: name, among: known).map { " did you mean \($0.quoted)?" } ?? ""
    return "unknown \(noun) \(name.quoted);\(hint) known \(noun)s: " + known.joined(separator: ", ")
}

/// The candidate fewest edits from `word` (ignoring case; ties go to the closer length), if
/// within max(2, length / 3) edits or if one begins with the other (`sigma` → `sigma_grid`).
func nearest(to word: String, among candidates: [String]) -> String? {
    let w = word.lowercased()
    // A whole part of a hyphenated or underscored name ("gan" of "wae-gan") before any spelling.
    if w.count >= 3, let whole = candidates.first(where: { $0.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).contains(Substring(w)) }) {
        return whole
    }
    let scored = candidates.map { c in (c, editDistance(w, c.lowercased()), abs(c.count - w.count)) }
    guard let best = scored.min(by: { ($0.1, $0.2) < ($1.1, $1.2) }) else { return nil }
    if best.1 <= max(2, word.count / 3) { return best.0 }
    return w.count >= 3 ? candidates.first { $0.lowercased().hasPrefix(w) || w.hasPrefix($0.lowercased()) } : nil
}

/// Edit distance with transpositions (optimal string alignment): the fewest single-character
/// insertions, deletions, substitutions and swaps of neighbours that turn `a` into `b`.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
    var d = (0...a.count).map { i in (0...b.count).map { j in i == 0 ? j : (j == 0 ? i : 0) } }
    for i in 1...a.count {
        for j in 1...b.count {
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
        }
    }
    return d[a.count][b.count]
}

extension String {
    /// 'self', for naming keys and values in messages.
    var quoted: String { "'\(self)'" }

    /// Line breaks replaced by spaces, so an error stays one line.
    var oneLine: String { split(whereSeparator: \.isNewline).joined(separator: " ") }
}
