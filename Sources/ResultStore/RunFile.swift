/// The run file, format `aelab-run/2` (reads `aelab-run/1` too): one HDF5 file per run holding a
/// `RunRecord`.
///
/// The layout is in docs/run-file.md. Writing is atomic: the file appears under its name only
/// when whole. Reading checks the format and names any missing or ill-typed item by its path.
///
/// A record keeps the format of the file it was read from (`RunAttributes.formatVersion`), and
/// is written in that format: an `aelab-run/1` file rewritten by `updateEvaluation` stays
/// `aelab-run/1`, its networks MLP descriptions (`NetworkRecord.mlp`). New records are `aelab-run/2`.
public enum RunFile {
    /// The format new files get: the value of the root attribute `format`.
    public static let format = "aelab-run/2"
    /// The version in `format`, the default of `RunAttributes.formatVersion`.
    public static let formatVersion = 2
    /// The versions this build reads and writes: 1 (networks as MLPs) and 2 (networks as layer lists).
    public static let formatVersions = [1, 2]

    /// The root attribute `format` of version `version`: "aelab-run/VERSION".
    public static func format(version: Int) -> String { "aelab-run/\(version)" }

    /// The parts of a run file to read; the root attributes are always read.
    public struct Parts: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// /metrics/train and /metrics/validation.
        public static let metrics = Parts(rawValue: 1 << 0)
        /// /eval.
        public static let evaluation = Parts(rawValue: 1 << 1)
        /// /weights (the largest part with the checkpoint).
        public static let weights = Parts(rawValue: 1 << 2)
        /// /samples and /figures.
        public static let samples = Parts(rawValue: 1 << 3)
        /// /checkpoint.
        public static let checkpoint = Parts(rawValue: 1 << 4)
        /// Of /figures, only the codes and the prior samples (part of `.samples`).
        public static let codes = Parts(rawValue: 1 << 5)
        /// What a comparison table needs: attributes, metrics, evaluation, and the codes against
        /// the prior (a few tens of kilobytes).
        public static let summary: Parts = [.metrics, .evaluation, .codes]
        public static let all: Parts = [.metrics, .evaluation, .weights, .samples, .checkpoint]
    }

    /// Writes `record` to `path`, replacing any file there only once the new one is whole.
    ///
    /// The file is written to `.NAME.tmp-PID-RANDOM` in the same folder, flushed to disk and
    /// renamed to `path`; on failure the temporary is removed and an existing file is untouched.
    public static func write(_ record: RunRecord, to path: String) throws {
        try AtomicFile.write(to: path) { temporary in
            let file = try HDF5File.create(temporary, reportingAs: path)
            try RunFileWriter(file: file).write(record)
            try file.close()
        }
    }

    /// Reads the run file at `path`; parts not asked for are left empty (nil, [] or [:]).
    public static func read(_ path: String, parts: Parts = .all) throws -> RunRecord {
        let file = try HDF5File.open(path)
        return try RunFileReader(file: file).read(parts)
    }

    /// Replaces the /eval part of the run file at `path` (as `aelab evaluate` does), atomically:
    /// the whole file is read, changed and written again, in its own format (an `aelab-run/1`
    /// file stays one, with its MLP layout). Other evaluations are not kept; to
    /// keep them, read them first and pass them in `evaluations`. `evaluatedWith`, the OpenBLAS
    /// kernel family that computed them, is added to the file's `blas_cores`, and `evaluatedBy`,
    /// the AELab build, to its `aelab_version`: both then name everything that computed a number
    /// in the file. Returns the record as written.
    @discardableResult
    public static func updateEvaluation(at path: String, parzen: ParzenRecord?,
                                        evaluations: [String: [String: Double]],
                                        evaluatedWith blasCore: String? = nil,
                                        evaluatedBy build: String? = nil) throws -> RunRecord {
        var record = try read(path)
        record.parzen = parzen
        record.evaluations = evaluations
        if let blasCore {
            record.attributes.blasCores = RunAttributes.blasCores(record.attributes.blasCores,
                                                                  trainedEpochs: record.trainedEpochs, adding: blasCore)
        }
        if let build {
            record.attributes.aelabVersion = RunAttributes.builds(record.attributes.aelabVersion,
                                                                  trainedEpochs: record.trainedEpochs, adding: build)
        }
        try write(record, to: path)
        return record
    }
}
