#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing a file so that it exists under its final name only when whole.
///
/// The content goes to a temporary file in the same folder, `.NAME.tmp-PID-RANDOM`, which is
/// flushed to disk and then renamed over `NAME` (a rename within one folder is atomic). A failure
/// removes the temporary; a crash leaves it behind, and any writer may delete `.NAME.tmp-*`.
enum AtomicFile {
    /// Calls `write` with a temporary path, then moves that file to `path`.
    static func write(to path: String, _ write: (_ temporary: String) throws -> Void) throws {
        let (folder, base) = split(path)
        guard isFolder(folder) else { throw HDF5Error(file: path, object: nil, problem: "folder \(folder) does not exist") }
        let temporary = temporaryPath(folder: folder, base: base)
        do {
            try write(temporary)
            try sync(temporary, reportingAs: path)
            guard rename(temporary, path) == 0 else {
                throw HDF5Error(file: path, object: nil, problem: "cannot rename \(temporary) into place: \(systemError())")
            }
        } catch {
            unlink(temporary)
            throw error
        }
        syncFolder(folder)
    }

    /// `.BASE.tmp-PID-RANDOM` in `folder`.
    static func temporaryPath(folder: String, base: String) -> String {
        let random = String(UInt32.random(in: .min ... .max), radix: 16)
        let name = ".\(base).tmp-\(getpid())-\(random)"
        return folder == "." ? name : folder + "/" + name
    }

    /// The folder part (or ".") and the last component of `path`.
    static func split(_ path: String) -> (folder: String, base: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let folder = String(path[..<slash])
        return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
    }

    private static func isFolder(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Flushes the file's bytes to the disk, so that the rename never exposes a partial file.
    private static func sync(_ temporary: String, reportingAs path: String) throws {
        let descriptor = open(temporary, O_RDONLY)
        guard descriptor >= 0 else { throw HDF5Error(file: path, object: nil, problem: "cannot reopen \(temporary): \(systemError())") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw HDF5Error(file: path, object: nil, problem: "cannot flush to disk: \(systemError())") }
    }

    /// Makes the rename itself durable; best effort (some file systems refuse to sync a folder).
    private static func syncFolder(_ folder: String) {
        let descriptor = open(folder, O_RDONLY)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    private static func systemError() -> String {
        String(cString: strerror(errno))
    }
}
