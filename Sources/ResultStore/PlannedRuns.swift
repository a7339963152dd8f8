import Foundation

/// `RESULTS/NAME/plan.json`: the runs the last `aelab run` of the experiment's spec plans (its
/// whole sweep, whatever `--only` or `--shard` picked), written before it trains, so that
/// `aelab compare` and `aelab report` can list the runs not started yet beside the unfinished
/// ones, rather than show a sweep's first cells as if they were all of it.
///
/// JSON, one object per run: the attributes a run file would have, with `spec` the run's resolved
/// configuration. Each `aelab run` replaces the file whole (atomically; the array tasks of one
/// sweep write the same content).
public enum PlannedRuns {
    struct Entry: Codable {
        var experiment, run_id, model, dataset: String
        var latent_dim: Int
        var dropout: Double
        var seed: Int
        var spec: String
    }

    struct File: Codable {
        var format = "aelab-plan/1"
        var written: String
        var runs: [Entry]
    }

    /// Writes the plan: `runs` as attributes (their status is not stored).
    public static func write(_ runs: [RunAttributes], to path: String, written: String) throws {
        let file = File(written: written, runs: runs.map {
            Entry(experiment: $0.experiment, run_id: $0.runID, model: $0.model, dataset: $0.dataset,
                  latent_dim: $0.latentDim, dropout: $0.dropout, seed: $0.seed, spec: $0.spec)
        })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(file)
        try AtomicFile.write(to: path) { temporary in
            guard FileManager.default.createFile(atPath: temporary, contents: data) else {
                throw HDF5Error(file: path, object: nil, problem: "cannot write the run plan")
            }
        }
    }

    /// The planned runs of `path` as records without epochs (status `.running`, nothing trained);
    /// nil when there is no plan. A plan that cannot be read is an error naming the file.
    public static func read(_ path: String) throws -> [RunRecord]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        struct Format: Codable { var format: String }
        let file: File
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let format = try JSONDecoder().decode(Format.self, from: data).format
            guard format == "aelab-plan/1" else {
                throw HDF5Error(file: path, object: nil, problem: "format '\(format)', expected 'aelab-plan/1' (a newer aelab's plan?)")
            }
            file = try JSONDecoder().decode(File.self, from: data)
        } catch let error as HDF5Error {
            throw error
        } catch {
            throw HDF5Error(file: path, object: nil, problem: "not a run plan (aelab-plan/1 JSON as aelab run writes it; delete it or run the spec again)")
        }
        return file.runs.map {
            RunRecord(attributes: RunAttributes(experiment: $0.experiment, runID: $0.run_id, model: $0.model,
                                                latentDim: $0.latent_dim, dropout: $0.dropout, seed: $0.seed,
                                                dataset: $0.dataset, status: .running, spec: $0.spec, started: "",
                                                aelabVersion: ""))
        }
    }
}

extension RunPaths {
    /// The runs the last `aelab run` planned (`PlannedRuns`).
    public var planFile: String { experimentFolder + "/plan.json" }
}
