/// `sweep`: the settings a spec varies, as plain data. Each list is one axis; each `zip` group is
/// one axis whose lists vary together (position i takes the i-th value of every list). The runs
/// of a spec are models × the product of the axes, in `axes` order, the last axis fastest.
///
/// A key is a dotted setting path: `latent_dim`, `dropout`, `seed`, or any setting such as
/// `training.epochs` or `model_options.wae-gan.lambda`. `zip` is one object of lists, or a list
/// of such objects for several groups.
public struct Sweep: Codable, Sendable, Equatable {
    /// Setting path → its values; each is an axis of its own.
    public internal(set) var lists: [String: [JSONValue]] = [:]
    /// Groups of equally long lists.
    public internal(set) var zips: [[String: [JSONValue]]] = []
    /// Whether `zip` was written as one object rather than a list of them (messages then say
    /// `sweep.zip.PATH`, not `sweep.zip[0].PATH`, as the file does).
    var zipIsObject = true

    init() {}

    init(_ f: Fields) throws {
        for key in f.object.keys.sorted() where key != "zip" {
            lists[key] = try Self.list(f, key, distinct: true)
        }
        switch f.object["zip"] ?? .null {
        case .null: break
        case .object: zips = [try Self.group(f.object("zip"))]
        case .array(let groups):
            zipIsObject = false
            zips = try groups.indices.map { try Self.group(Fields(groups[$0], at: f.path + "zip" + $0)) }
        case let other:
            throw f.problem("zip", "expected an object of equally long lists (or a list of such objects), got \(other.rendered)")
        }
        try checkOverlaps()
    }

    /// Puts latent_dim, dropout and seed first (they lead run ids), then the other lists by
    /// path, then the zip groups in order.
    public var axes: [SweepAxis] {
        let lead = ["latent_dim", "dropout", "seed"]
        let order = lead.filter { lists[$0] != nil } + lists.keys.filter { !lead.contains($0) }.sorted()
        let single = order.map { path in
            SweepAxis(paths: [path], values: lists[path]!.map { [$0] }, locations: [JSONPath([.key("sweep"), .key(path)])])
        }
        let grouped = zips.enumerated().map { g, group in
            let paths = group.keys.sorted()
            let base = zipIsObject ? JSONPath([.key("sweep"), .key("zip")]) : JSONPath([.key("sweep"), .key("zip"), .index(g)])
            return SweepAxis(paths: paths, values: group[paths[0]]!.indices.map { i in paths.map { group[$0]![i] } },
                             locations: paths.map { base + $0 })
        }
        return single + grouped
    }

    var json: JSONValue {
        var o = lists.mapValues { JSONValue.array($0) }
        let groups = zips.map { JSONValue.object($0.mapValues { .array($0) }) }
        if !groups.isEmpty { o["zip"] = zipIsObject && groups.count == 1 ? groups[0] : .array(groups) }
        return .object(o)
    }

    public init(from decoder: any Decoder) throws { try self.init(Fields(decoder)) }
    public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }

    /// A non-empty list (of distinct values, for a list that is an axis of its own).
    private static func list(_ f: Fields, _ key: String, distinct: Bool) throws -> [JSONValue] {
        guard !key.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) else {
            throw f.problem(key, "expected a dotted setting path such as 'training.epochs' as the key")
        }
        let values = try (f.object[key] ?? .null).array(at: f.path + key)
        guard !values.isEmpty else { throw f.problem(key, "expected a non-empty list of values") }
        for i in values.indices where distinct && values[..<i].contains(values[i]) {
            throw SpecProblem(f.path + key + i, "\(values[i].rendered) is listed twice")
        }
        return values
    }

    /// One zip group: at least one list, all equally long, no position repeated.
    private static func group(_ f: Fields) throws -> [String: [JSONValue]] {
        guard !f.object.isEmpty else { throw SpecProblem(f.path, "expected at least one setting path with its list of values") }
        var group: [String: [JSONValue]] = [:]
        for key in f.object.keys.sorted() { group[key] = try list(f, key, distinct: false) }
        let first = group.keys.sorted()[0], count = group[first]!.count
        for (key, values) in group where values.count != count {
            throw f.problem(key, "has \(values.count) values but \(first) has \(count); zipped lists must be equally long")
        }
        let positions = (0..<count).map { i in group.keys.sorted().map { group[$0]![i] } }
        for i in positions.indices where positions[..<i].contains(positions[i]) {
            throw SpecProblem(f.path + first + i, "position \(i) repeats an earlier position of the zip group")
        }
        return group
    }

    /// No setting may be set by two axes, nor one inside another (`prior` and `prior.std`).
    private func checkOverlaps() throws {
        let entries = axes.flatMap { axis in zip(axis.paths, axis.locations) }
        for (i, (path, location)) in entries.enumerated() {
            for (other, otherLocation) in entries[..<i]
            where path == other || path.hasPrefix(other + ".") || other.hasPrefix(path + ".") {
                throw SpecProblem(location, "overlaps \(otherLocation): each setting may be swept once")
            }
        }
    }
}

/// One axis of a sweep: a setting path and its values, or a zip group's paths varied together.
public struct SweepAxis: Sendable, Equatable {
    /// The dotted setting paths it sets (several for a zip group, sorted).
    public let paths: [String]
    /// `values[i][j]`: the value of `paths[j]` at position i.
    public let values: [[JSONValue]]
    /// Where `paths[j]`'s list is written in the spec, e.g. `sweep.zip.training.epochs`.
    let locations: [JSONPath]

    public var count: Int { values.count }
}

/// A setting a sweep gave a run: its dotted path and value.
public struct SweepSetting: Sendable, Equatable {
    public let path: String
    public let value: JSONValue
}
