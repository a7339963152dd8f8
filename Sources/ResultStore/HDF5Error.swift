import _CHDF5Shim

/// A failure with an HDF5 file: which file, which object in it, and what went wrong.
///
/// Every error of this module is one of these, so a caller prints one line:
/// `results/x/runs/ae-z8.h5: /metrics/train/reconstruction: dataset not found`.
/// HDF5's own error printing is turned off; where HDF5 gave a reason, it is appended.
public struct HDF5Error: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file as the caller named it.
    public var file: String
    /// The absolute path of the object in the file (`/eval/parzen`), or nil for the file itself.
    public var object: String?
    /// What failed, e.g. "dataset not found" or "attribute sigma: expected float64, found string".
    public var problem: String

    public init(file: String, object: String?, problem: String) {
        self.file = file
        self.object = object
        self.problem = problem
    }

    /// `FILE: OBJECT: PROBLEM` on one line.
    public var description: String {
        let line = [file, object, problem].compactMap { $0 }.joined(separator: ": ")
        return line.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

/// Where an HDF5 object lives, to name it in errors.
struct HDF5Location {
    var file: String
    var path: String

    /// The path of `name` below this one.
    func appending(_ name: String) -> HDF5Location {
        HDF5Location(file: file, path: path == "/" ? "/" + name : path + "/" + name)
    }

    func error(_ problem: String) -> HDF5Error {
        HDF5Error(file: file, object: path, problem: problem)
    }

    /// An error for a failed HDF5 call, with the reason HDF5 recorded, if any.
    func libraryError(_ problem: String) -> HDF5Error {
        error(HDF5Library.withReason(problem))
    }
}

/// Process-wide HDF5 set-up and the error stack.
enum HDF5Library {
    /// Turns off HDF5's error printing for the calling thread (the thread-safe library keeps one
    /// error stack per thread), so that errors are reported once, by the thrown `HDF5Error`.
    static func enter() {
        aelab_h5_silence_errors()
    }

    /// The number of HDF5 files, groups, datasets, types and attributes open in the process.
    static func openObjectCount() -> Int {
        let all = H5F_OBJ_FILE | H5F_OBJ_DATASET | H5F_OBJ_GROUP | H5F_OBJ_DATATYPE | H5F_OBJ_ATTR  // H5F_OBJ_ALL
        return Int(H5Fget_obj_count(hid_t(all), UInt32(all)))
    }

    /// `problem`, followed by the innermost message on the calling thread's HDF5 error stack.
    static func withReason(_ problem: String) -> String {
        guard let reason = innermostMessage(), !reason.isEmpty else { return problem }
        return "\(problem) (HDF5: \(reason))"
    }

    private final class Box { var message: String? }

    private static func innermostMessage() -> String? {
        let box = Box()
        let walk: H5E_walk2_t = { n, entry, data in
            guard n == 0, let entry, let data, let desc = entry.pointee.desc else { return 0 }
            Unmanaged<Box>.fromOpaque(data).takeUnretainedValue().message = String(cString: desc)
            return 0
        }
        withExtendedLifetime(box) {
            _ = H5Ewalk2(aelab_h5e_default(), H5E_WALK_UPWARD, walk, Unmanaged.passUnretained(box).toOpaque())
        }
        return box.message
    }
}
