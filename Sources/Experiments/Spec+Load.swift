import Foundation

extension Spec {
    /// Reads the spec at `file`, applies `overrides` in order, and checks the result (every run
    /// of its sweep included).
    /// - Parameter overrides: `--set` arguments, `path=value` (see `Override`).
    /// - Throws: `SpecError` for any mistake in the file or the overrides.
    public static func load(file: String, overrides: [String] = []) throws(SpecError) -> Spec {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            throw SpecError(file: file, path: "", message: "no such file; expected an experiment spec (JSON), e.g. experiments/quickstart.json")
        }
        guard !isDirectory.boolValue else {
            throw SpecError(file: file, path: "", message: "is a folder; expected an experiment spec (JSON file)")
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
            let reason = FileManager.default.isReadableFile(atPath: file) ? "\(error.localizedDescription)" : "permission denied"
            throw SpecError(file: file, path: "", message: "cannot read the spec: \(reason)")
        }
        return try parse(data, file: file, overrides: overrides)
    }

    /// `load(file:overrides:)` for JSON already in memory; `file` names it in errors.
    public static func parse(_ json: String, file: String = "<spec>", overrides: [String] = []) throws(SpecError) -> Spec {
        try parse(Data(json.utf8), file: file, overrides: overrides)
    }

    public static func parse(_ data: Data, file: String, overrides: [String] = []) throws(SpecError) -> Spec {
        var tree: JSONValue
        do { tree = try JSONValue.parse(data) } catch { throw specError(error, file: file) }
        var applied: [Override] = []
        for text in overrides {
            do {
                let override = try Override(text)
                try override.apply(to: &tree)
                applied.append(override)
            } catch {
                throw specError(error, file: file, override: text)
            }
        }
        do {
            return try Spec(Fields(tree, at: JSONPath()))
        } catch let problem as SpecProblem {
            // The last override that set the problem's place, or something inside it.
            let cause = applied.last {
                problem.path.hasPrefix($0.path) || (!problem.path.components.isEmpty && $0.path.hasPrefix(problem.path))
            }
            throw SpecError(file: file, path: problem.path.description, message: problem.message, override: cause?.text)
        } catch {
            throw specError(error, file: file)
        }
    }

    private static func specError(_ error: any Error, file: String, override: String? = nil) -> SpecError {
        guard let problem = error as? SpecProblem else { return SpecError(file: file, path: "", message: "\(error)", override: override) }
        return SpecError(file: file, path: problem.path.description, message: problem.message, override: override)
    }
}

/// One `--set path=value`. The path is dotted (`training.epochs`, `model_options.wae-gan.lambda`);
/// below `sweep` (and `sweep.zip`) the rest of the path is one key, a setting path itself
/// (`sweep.training.epochs=[10,20]`). The value is read as JSON, or taken as a string when it
/// is not JSON (`dataset.name=fashion-mnist`).
struct Override {
    let text: String
    let keys: [String]
    let value: JSONValue

    var path: JSONPath { JSONPath(keys.map { .key($0) }) }

    init(_ text: String) throws {
        self.text = text
        guard let equals = text.firstIndex(of: "=") else {
            throw SpecProblem(JSONPath(), "expected path=value, e.g. training.epochs=1")
        }
        var keys = text[..<equals].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !keys.contains(where: \.isEmpty) else {
            throw SpecProblem(JSONPath(), "expected a dotted path before '=', e.g. training.epochs=1")
        }
        let head = keys.first == "sweep" ? (keys.count > 2 && keys[1] == "zip" ? 2 : 1) : keys.count
        if head < keys.count { keys = Array(keys[..<head]) + [keys[head...].joined(separator: ".")] }
        self.keys = keys
        let raw = String(text[text.index(after: equals)...])
        // Parsed inside a list, so that fragments such as `1` or `"x"` are JSON too. JSON with a
        // key written twice or a trailing comma is an error, not a string.
        let list = Data("[\(raw)]".utf8)
        if case .array(let items)? = try? JSONValue.parse(list, strict: false), items.count == 1 {
            if let problem = JSONStrictness.problem(in: list) {
                // The problem's path starts at the list's one item: [0] stands for the setting.
                throw SpecProblem(JSONPath(keys.map { .key($0) } + problem.path.components.dropFirst()), problem.message)
            }
            value = items[0]
        } else {
            value = .string(raw)
        }
    }

    /// Sets the value in the spec's JSON, creating objects on the way.
    func apply(to tree: inout JSONValue) throws {
        guard !tree.set(value, at: keys[...]) else { return }
        for depth in 0..<keys.count {
            let node = tree[Array(keys[..<depth])] ?? .null
            if case .object = node { continue }
            if node == .null { break }
            let at = JSONPath(keys[..<depth].map { .key($0) })
            throw SpecProblem(at, "is \(node.rendered), not an object, so \(path) cannot be set")
        }
        throw SpecProblem(path, "cannot be set")
    }
}
