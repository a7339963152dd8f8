/// One file of a dataset checked against its registered content sum.
public struct FileCheck: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        case ok
        /// Present, but its content's SHA-256 differs or its content cannot be read; `detail` says which.
        case mismatch(detail: String)
        case missing
    }

    public let file: DatasetFile
    /// Where the file was found; nil when missing.
    public let path: String?
    public let status: Status

    /// `OK`, `MISMATCH` or `MISSING`.
    public var label: String {
        switch status {
        case .ok: return "OK"
        case .mismatch: return "MISMATCH"
        case .missing: return "MISSING"
        }
    }
}

/// The result of `Dataset.verify`: one check per file of the dataset, in the registry's order.
public struct VerificationReport: Sendable, Equatable {
    public let dataset: String
    /// The folder checked: the first complete one on the search path, else the first holding any
    /// file; nil when no folder holds any.
    public let folder: String?
    /// Every folder the dataset was looked for in.
    public let searched: [String]
    public let files: [FileCheck]

    /// True when every file is present and matches.
    public var isOK: Bool { files.allSatisfy { $0.status == .ok } }
}

extension Dataset {
    /// Checks the decompressed content of each file of dataset `name` against its SHA-256.
    public static func verify(_ name: String, searchPath: DataSearchPath = .standard()) throws -> VerificationReport {
        let info = try DatasetInfo.named(name)
        let location = searchPath.bestLocation(of: info)
        let checks = info.files.map { file in
            let path = location?.paths[file.role]
            return FileCheck(file: file, path: path, status: path.map { check(file, at: $0) } ?? .missing)
        }
        return VerificationReport(dataset: name, folder: location?.folder,
                                  searched: searchPath.folders(for: name), files: checks)
    }

    /// Whether the content of the file at `path` has `file`'s registered SHA-256.
    static func check(_ file: DatasetFile, at path: String) -> FileCheck.Status {
        do {
            let sum = SHA256.hexDigest(try FileContent.read(path))
            return sum == file.sha256 ? .ok : .mismatch(detail: "content SHA-256 \(sum), expected \(file.sha256)")
        } catch {
            return .mismatch(detail: "\(error)")
        }
    }
}
