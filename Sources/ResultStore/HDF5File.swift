import _CHDF5Shim
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open HDF5 file: created (truncating) for writing, or opened read-only.
///
/// The file is closed by `close()` or when the last object that uses it goes away: groups and
/// datasets keep their file alive. `close()` fails while any of them is still open, so a closed
/// file is known to be written out.
public final class HDF5File {
    /// The path as given by the caller.
    public let path: String
    /// The name errors give: `path`, or for a temporary file the final path it is written for.
    let name: String
    let id: HDF5ID

    private init(path: String, name: String, id: HDF5ID) {
        self.path = path
        self.name = name
        self.id = id
    }

    /// Creates `path`, replacing any file there.
    public static func create(_ path: String) throws -> HDF5File {
        try create(path, reportingAs: path)
    }

    /// Creates `path`, naming `name` in errors (a temporary file is named by its final path).
    static func create(_ path: String, reportingAs name: String) throws -> HDF5File {
        HDF5Library.enter()
        let access = try fileAccess(name)
        let raw = H5Fcreate(path, aelab_h5f_acc_trunc(), aelab_h5p_default(), access.raw)
        let id = try HDF5ID(raw, release: H5Fclose,
                            orThrow: HDF5Error(file: name, object: nil, problem: HDF5Library.withReason("cannot create file")))
        return HDF5File(path: path, name: name, id: id)
    }

    /// Opens `path` for reading.
    public static func open(_ path: String) throws -> HDF5File {
        HDF5Library.enter()
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw HDF5Error(file: path, object: nil, problem: String(cString: strerror(errno)))
        }
        guard H5Fis_hdf5(path) > 0 else {
            throw HDF5Error(file: path, object: nil, problem: "not an HDF5 file")
        }
        let access = try fileAccess(path)
        let raw = H5Fopen(path, aelab_h5f_acc_rdonly(), access.raw)
        let id = try HDF5ID(raw, release: H5Fclose, orThrow: HDF5Error(
            file: path, object: nil, problem: HDF5Library.withReason("not an HDF5 file or truncated")))
        return HDF5File(path: path, name: path, id: id)
    }

    /// The root group, `/`.
    public func root() throws -> HDF5Group {
        try HDF5Group.open(in: self, at: "/")
    }

    /// Writes everything out and closes the file; fails if a group or dataset is still open.
    /// Closing twice does nothing.
    public func close() throws {
        HDF5Library.enter()
        guard id.raw >= 0 else { return }
        guard H5Fget_obj_count(id.raw, UInt32(H5F_OBJ_GROUP | H5F_OBJ_DATASET | H5F_OBJ_ATTR | H5F_OBJ_DATATYPE)) == 0 else {
            throw HDF5Error(file: name, object: nil, problem: "cannot close: objects of the file are still open")
        }
        guard id.close() else {
            throw HDF5Error(file: name, object: nil, problem: HDF5Library.withReason("cannot close (write failed)"))
        }
    }

    /// File-access properties: the `sec2` driver, and file locking that gives way on file
    /// systems without it (shared cluster folders) instead of failing.
    private static func fileAccess(_ name: String) throws -> HDF5ID {
        func failure() -> HDF5Error {
            HDF5Error(file: name, object: nil, problem: HDF5Library.withReason("cannot set file-access properties"))
        }
        let access = try HDF5ID(H5Pcreate(aelab_h5p_file_access()), release: H5Pclose, orThrow: failure())
        try check(H5Pset_file_locking(access.raw, true, true), failure())
        return access
    }
}
