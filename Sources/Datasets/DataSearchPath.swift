import Foundation

/// Where datasets are looked for: dataset `NAME` lives in `ROOT/NAME/` for the first root that
/// holds all its files.
///
/// The standard roots, in order: each folder of `AELAB_DATA` (colon-separated), `./data`, the
/// user's cache folder (`$XDG_CACHE_HOME/aelab`, else `~/.cache/aelab`), `/usr/share/datasets`.
/// `aelab data fetch` writes into the cache folder unless told otherwise.
public struct DataSearchPath: Sendable, Equatable {
    /// Absolute root folders, searched in order.
    public var roots: [String]
    /// The root that downloads go to and that error messages suggest for placing files by hand.
    public var fetchRoot: String

    public init(roots: [String], fetchRoot: String) {
        self.roots = roots
        self.fetchRoot = fetchRoot
    }

    /// The standard search path for this process's environment and working folder.
    public static func standard(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) -> DataSearchPath {
        func absolute(_ path: String) -> String {
            URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: currentDirectory, isDirectory: true))
                .standardizedFileURL.path
        }
        let fromEnvironment = (environment["AELAB_DATA"] ?? "").split(separator: ":").map { absolute(String($0)) }
        let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        let cacheBase = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.cache"
        let cache = absolute(cacheBase + "/aelab")
        return DataSearchPath(roots: fromEnvironment + [absolute("data"), cache, "/usr/share/datasets"],
                              fetchRoot: cache)
    }

    /// `ROOT/name` for every root, in search order.
    public func folders(for name: String) -> [String] { roots.map { $0 + "/" + name } }

    /// The folder downloads of `name` go to by default.
    public func fetchFolder(for name: String) -> String { fetchRoot + "/" + name }

    /// The dataset's files in the first folder that holds all of them.
    public func locate(_ info: DatasetInfo) throws -> DatasetLocation {
        let candidates = folders(for: info.name).lazy.map { DatasetLocation(info: info, folder: $0) }
        guard let location = candidates.first(where: \.isComplete) else {
            throw DatasetError.notFound(name: info.name, searched: folders(for: info.name),
                                        placeInto: fetchFolder(for: info.name))
        }
        return location
    }

    /// The first complete folder, else the first folder holding any of the files, else nil.
    public func bestLocation(of info: DatasetInfo) -> DatasetLocation? {
        let candidates = folders(for: info.name).map { DatasetLocation(info: info, folder: $0) }
        return candidates.first(where: \.isComplete) ?? candidates.first { !$0.paths.isEmpty }
    }
}

/// A dataset folder and the path there of each of the dataset's files that is present (the raw
/// name preferred over `.gz`).
public struct DatasetLocation: Sendable, Equatable {
    public let folder: String
    public let paths: [DatasetFile.Role: String]
    /// The roles of the files absent from `folder`, in the dataset's order.
    public let missing: [DatasetFile.Role]

    public init(info: DatasetInfo, folder: String) {
        self.folder = folder
        var paths: [DatasetFile.Role: String] = [:]
        for file in info.files {
            paths[file.role] = file.acceptedNames.map { folder + "/" + $0 }
                .first { FileManager.default.isReadableFile(atPath: $0) }
        }
        self.paths = paths
        missing = info.files.map(\.role).filter { paths[$0] == nil }
    }

    /// True when every file is present.
    public var isComplete: Bool { missing.isEmpty }
}
