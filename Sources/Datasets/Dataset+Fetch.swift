import Foundation

extension Dataset {
    /// Downloads each file of dataset `name` that is missing from `folder = root/name` or fails
    /// its check.
    ///
    /// Each file is fetched as `NAME.gz` from the registry's mirrors in turn with `curl`, written to
    /// a hidden temporary name in `folder`, checked against the content SHA-256, and only then
    /// renamed to `NAME.gz`: a file under its final name is whole. A mirror fails when it cannot be
    /// reached within `timeout` seconds or stalls below 1 kB/s for as long; when every mirror fails
    /// for a file, the error names the URLs and the folder to fill by hand.
    ///
    /// Without `root`, a dataset whose files are all present and correct in the folder the search
    /// path reads it from is left there: nothing is downloaded (a copy in `~/.cache/aelab` would
    /// duplicate what is read already).
    ///
    /// - Parameters:
    ///   - root: a search-path root; default: the search path's fetch root (`~/.cache/aelab`).
    ///   - progress: called with one line per file.
    /// - Returns: the folder written to, or the one already holding the verified files.
    @discardableResult
    public static func fetch(_ name: String, into root: String? = nil, searchPath: DataSearchPath = .standard(),
                             timeout: Int = 15, progress: (String) -> Void = { _ in }) throws -> String {
        let info = try DatasetInfo.named(name)
        if root == nil, let found = verifiedLocation(of: info, on: searchPath) {
            for file in info.files { progress("\(file.name): already present and OK (\(found.paths[file.role]!))") }
            return found.folder
        }
        return try fetch(info, into: root ?? searchPath.fetchRoot, timeout: timeout, progress: progress)
    }

    /// The location the search path reads `info` from, when it is complete and every file checks.
    static func verifiedLocation(of info: DatasetInfo, on searchPath: DataSearchPath) -> DatasetLocation? {
        guard let location = searchPath.bestLocation(of: info), location.isComplete,
              info.files.allSatisfy({ check($0, at: location.paths[$0.role]!) == .ok }) else { return nil }
        return location
    }

    @discardableResult
    static func fetch(_ info: DatasetInfo, into root: String, timeout: Int,
                      progress: (String) -> Void) throws -> String {
        let folder = root + "/" + info.name
        guard let curl = executable(named: "curl") else { throw DatasetError.curlMissing(placeInto: folder) }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw DatasetError.unreadable(file: folder, reason: "cannot create folder: \(error.localizedDescription)")
        }
        let present = DatasetLocation(info: info, folder: folder)
        for file in info.files {
            if let path = present.paths[file.role], check(file, at: path) == .ok {
                progress("\(file.name): already present and OK (\(path))")
                continue
            }
            let url = try download(file, of: info, into: folder, curl: curl, timeout: timeout)
            progress("\(file.name).gz: downloaded from \(url) and verified")
            // A damaged raw file would shadow the download (raw names come first): move it aside.
            if let path = present.paths[file.role], !path.hasSuffix(".gz"), rename(path, path + ".rejected") == 0 {
                progress("\(path): did not match; moved aside to \(path).rejected")
            }
        }
        return folder
    }

    /// Fetches `file` from the first mirror that delivers the right content; returns its URL.
    private static func download(_ file: DatasetFile, of info: DatasetInfo, into folder: String,
                                 curl: String, timeout: Int) throws -> String {
        let target = folder + "/" + file.name + ".gz"
        let partial = folder + "/." + file.name + ".gz.part-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? FileManager.default.removeItem(atPath: partial) }
        let urls = info.mirrors.map { $0 + file.name + ".gz" }
        var reason = "no mirror"
        for url in urls {
            reason = runCurl(curl, url: url, output: partial, timeout: timeout)
            guard reason.isEmpty else { continue }
            if case let .mismatch(detail) = check(file, at: partial) {
                reason = detail
                continue
            }
            guard rename(partial, target) == 0 else {
                throw DatasetError.unreadable(file: target, reason: String(cString: strerror(errno)))
            }
            return url
        }
        throw DatasetError.fetchFailed(urls: urls, reason: reason, placeInto: folder)
    }

    /// Runs curl; returns "" on success, else its last line of complaint.
    private static func runCurl(_ curl: String, url: String, output: String, timeout: Int) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: curl)
        process.arguments = ["--fail", "--location", "--silent", "--show-error",
                             "--connect-timeout", "\(timeout)", "--speed-limit", "1024", "--speed-time", "\(timeout)",
                             "--output", output, url]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return "cannot run \(curl): \(error.localizedDescription)" }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus != 0 else { return "" }
        let lines = String(decoding: message, as: UTF8.self).split(whereSeparator: \.isNewline)
        return lines.last.map(String.init) ?? "curl exited with status \(process.terminationStatus)"
    }

    /// The first executable called `name` in the folders of `PATH`.
    private static func executable(named name: String) -> String? {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
