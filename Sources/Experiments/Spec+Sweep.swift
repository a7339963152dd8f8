/// One point of a sweep: the settings it gives and the checked spec they make.
struct SweepPoint: Sendable, Equatable {
    let settings: [SweepSetting]
    let spec: Spec
    /// The run-id tail for the settings other than latent_dim, dropout and seed, e.g. `-epochs20`.
    let idSuffix: String
}

extension Spec {
    /// The runs: models (in spec order) × the sweep's points (the product of its axes, last
    /// axis fastest). Run i is `runs()[i]`; the order and the ids depend only on the spec.
    public func runs() -> [RunConfig] {
        let points = self.points.isEmpty ? [SweepPoint(settings: [], spec: self, idSuffix: "")] : self.points
        var runs: [RunConfig] = []
        for model in models {
            for point in points {
                runs.append(RunConfig(point.spec, model: model, experiment: name, index: runs.count,
                                      sweepSettings: point.settings, idSuffix: point.idSuffix))
            }
        }
        return runs
    }

    /// Every point of the sweep, each read as a whole spec (so a swept value meets the same checks
    /// as a written one; a problem is reported at the value's place in the sweep).
    func sweepPoints(written: JSONValue) throws -> [SweepPoint] {
        let axes = sweep.axes
        guard !axes.isEmpty else { return [] }
        var base = json
        base.set(.object([:]), at: ["sweep"])
        for axis in axes {
            for (path, location) in zip(axis.paths, axis.locations) { try Self.checkSweepable(path, in: base, at: location) }
        }
        let names = Self.idNames(axes.flatMap(\.paths))
        var points: [SweepPoint] = [], ids: [String: Int] = [:]
        for position in Self.positions(axes.map(\.count)) {
            var tree = base, given = written, settings: [SweepSetting] = [], places: [(JSONPath, JSONPath)] = [], suffix = ""
            for (axis, i) in zip(axes, position) {
                for (j, path) in axis.paths.enumerated() {
                    let value = axis.values[i][j]
                    tree.set(value, at: path.split(separator: ".").map(String.init)[...])
                    given.set(value, at: path.split(separator: ".").map(String.init)[...])
                    settings.append(SweepSetting(path: path, value: value))
                    places.append((JSONPath(setting: path), axis.locations[j] + i))
                    if let name = names[path] { suffix += "-" + name + RunConfig.idText(value, position: i) }
                }
            }
            let spec: Spec
            do { spec = try Spec(Fields(tree, at: JSONPath()), written: given) } catch var problem as SpecProblem {
                problem.relocate(places, settings: settings)
                throw problem
            }
            let point = SweepPoint(settings: settings, spec: spec, idSuffix: suffix)
            let id = RunConfig.id(model: "MODEL", spec, suffix: suffix)  // the same for every model
            if let other = ids[id] {
                throw SpecProblem(JSONPath([.key("sweep")]), "points \(other) and \(points.count) would share the run id \(id.quoted); make the swept values distinct")
            }
            ids[id] = points.count
            points.append(point)
        }
        return points
    }

    /// Every index tuple of axes with these counts, the last axis fastest.
    static func positions(_ counts: [Int]) -> [[Int]] {
        counts.reduce([[]]) { tuples, count in tuples.flatMap { t in (0..<count).map { t + [$0] } } }
    }

    /// The name each swept path other than latent_dim, dropout and seed takes in run ids: its last
    /// component (`training.epochs` → `epochs`), or the whole path with `_` for `.` when two
    /// paths share a last component.
    static func idNames(_ paths: [String]) -> [String: String] {
        let others = paths.filter { !["latent_dim", "dropout", "seed"].contains($0) }
        let last = others.map { String($0.split(separator: ".").last ?? "") }
        var names: [String: String] = [:]
        for (path, name) in zip(others, last) {
            names[path] = last.filter { $0 == name }.count > 1 ? path.replacingOccurrences(of: ".", with: "_") : name
        }
        return names.mapValues(RunConfig.fileNameSafe)
    }

    /// A swept path must name a setting of the spec (with its defaults filled in), and not the
    /// spec's name, description, models or sweep.
    static func checkSweepable(_ path: String, in base: JSONValue, at location: JSONPath) throws {
        let keys = path.split(separator: ".").map(String.init)
        guard !["name", "description", "models", "sweep"].contains(keys[0]) else {
            throw SpecProblem(location, "\(keys[0].quoted) cannot be swept (runs vary over models by the models list)")
        }
        for depth in keys.indices {
            let parent = keys[..<depth].joined(separator: ".")
            guard case .object(let o) = base[Array(keys[..<depth])] ?? .null else {
                throw SpecProblem(location, "\(path.quoted) does not name a setting: \(parent.quoted) has no keys; sweep \(parent.quoted) whole")
            }
            guard o[keys[depth]] == nil else { continue }
            let prefix = parent.isEmpty ? "" : parent + "."
            let hint = nearest(to: keys[depth], among: o.keys.sorted()).map { "did you mean \((prefix + $0).quoted)?" }
                ?? "\(parent.isEmpty ? "the spec" : parent.quoted) has: " + o.keys.sorted().joined(separator: ", ")
            throw SpecProblem(location, "\(path.quoted) does not name a setting; \(hint)")
        }
    }
}

extension SpecProblem {
    /// Moves a problem found at a swept setting to where its value is written in the sweep
    /// (`latent_dim` → `sweep.latent_dim[1]`); any other problem gets the point's settings added.
    mutating func relocate(_ places: [(setting: JSONPath, location: JSONPath)], settings: [SweepSetting]) {
        for (setting, location) in places where path.hasPrefix(setting) {
            path = location + JSONPath(Array(path.components.dropFirst(setting.components.count)))
            return
        }
        message += " (with " + settings.map { "\($0.path)=\($0.value.rendered)" }.joined(separator: ", ") + " from the sweep)"
    }
}
