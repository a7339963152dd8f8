import Foundation

/// Where an experiment's files live: RESULTS/NAME/{runs,checkpoints,baselines,report}.
public struct RunPaths: Sendable {
    public let experimentFolder: String

    public init(resultsRoot: String, experiment: String) {
        experimentFolder = (resultsRoot as NSString).appendingPathComponent(experiment)
    }

    /// The paths of an existing experiment folder.
    public init(folder: String) {
        experimentFolder = folder
    }

    public var runsFolder: String { experimentFolder + "/runs" }
    public var checkpointsFolder: String { experimentFolder + "/checkpoints" }
    public var baselinesFolder: String { experimentFolder + "/baselines" }

    /// The run file: it exists only when whole (complete or failed).
    public func runFile(_ id: String) -> String { runsFolder + "/" + id + ".h5" }
    /// The checkpoint of a run in progress, rewritten whole after every epoch.
    public func checkpoint(_ id: String) -> String { checkpointsFolder + "/" + id + ".h5" }
    public func baseline(_ name: String) -> String { baselinesFolder + "/" + name + ".h5" }

    /// What commands that read an experiment's runs say of a folder without any.
    public static let noRunFiles = "no run files under runs/ or baselines/ (run 'aelab run SPEC' first)"

    /// Every whole run file (runs and baselines), sorted.
    public func allRunFiles() -> [String] {
        [runsFolder, baselinesFolder].flatMap { folder -> [String] in
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            return names.filter { $0.hasSuffix(".h5") && !$0.hasPrefix(".") }.sorted().map { folder + "/" + $0 }
        }
    }

    /// Every checkpoint, sorted: runs training, interrupted, or kept from another configuration;
    /// one beside a run file is that run's extension to more epochs, or its retraining.
    public func checkpointFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpointsFolder)) ?? []
        return names.filter { $0.hasSuffix(".h5") && !$0.hasPrefix(".") }.sorted().map { checkpointsFolder + "/" + $0 }
    }

    /// Deletes temporaries (`.NAME.tmp-PID-RANDOM`) that a killed writer left behind: those whose
    /// process no longer exists. Returns how many bytes were freed.
    @discardableResult
    public func removeStaleTemporaries() -> Int {
        var freed = 0
        for folder in [experimentFolder, runsFolder, checkpointsFolder, baselinesFolder] {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(".") {
                guard let range = name.range(of: ".tmp-"),
                      let pid = Int32(name[range.upperBound...].prefix { $0.isNumber }),
                      kill(pid, 0) != 0 && errno == ESRCH else { continue }
                let path = folder + "/" + name
                freed += ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        return freed
    }

    public func makeFolders() throws {
        for folder in [runsFolder, checkpointsFolder, baselinesFolder] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
    }
}
