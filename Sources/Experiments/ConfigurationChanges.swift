import Foundation

/// A setting whose value in a run's stored configuration differs from the spec's now.
public struct ConfigurationChange: Sendable, Equatable, CustomStringConvertible {
    /// Dotted path, e.g. `training.learning_rate.reconstruction`.
    public let path: String
    public let stored: String
    public let current: String

    public var description: String { "\(path): \(stored) there, \(current) now" }
}

extension ConfigurationChange {
    /// The settings that differ between a run file's stored configuration (its `spec` attribute)
    /// and the resolved configuration of the same run now, leaf by leaf.
    ///
    /// Ignored: `description` (prose), and settings present on one side only (a newer build
    /// resolves new settings with defaults that keep the old behaviour; an older file lacks
    /// them). A stored text that is not a JSON object compares as unchanged.
    public static func between(stored: String, current: String) -> [ConfigurationChange] {
        guard let old = try? JSONValue.parse(Data(stored.utf8)), case .object = old,
              let new = try? JSONValue.parse(Data(current.utf8)) else { return [] }
        var changes: [ConfigurationChange] = []
        collect(old, new, path: [], into: &changes)
        return changes
    }

    private static func collect(_ old: JSONValue, _ new: JSONValue, path: [String], into changes: inout [ConfigurationChange]) {
        if case .object(let a) = old, case .object(let b) = new {
            for key in a.keys.sorted() where b[key] != nil && !(path.isEmpty && key == "description") {
                collect(a[key]!, b[key]!, path: path + [key], into: &changes)
            }
        } else if old != new {
            changes.append(ConfigurationChange(path: path.joined(separator: "."), stored: old.rendered, current: new.rendered))
        }
    }

    /// Whether `training.epochs` is the only change: a run trained under it can continue to the
    /// new count from its checkpoint (when it has not trained past it), with the losses of a run
    /// trained that long from the start, as the learning-rate schedules depend on the epoch
    /// index only.
    static func onlyEpochs(_ changes: [ConfigurationChange]) -> Bool {
        changes.count == 1 && changes[0].path == "training.epochs"
    }
}
