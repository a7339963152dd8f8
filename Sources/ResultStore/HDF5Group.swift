import _CHDF5Shim

/// What a path in a group leads to.
public enum HDF5ObjectKind: Sendable, Equatable {
    case group, dataset, other
}

/// An open group. Paths given to its methods are relative ("metrics/train") and may be nested.
public final class HDF5Group {
    /// The file, kept open while this group is.
    public let file: HDF5File
    let location: HDF5Location
    let id: HDF5ID

    /// The absolute path in the file, e.g. "/metrics/train".
    public var path: String { location.path }

    /// The attributes of this group.
    public var attributes: HDF5Attributes {
        HDF5Attributes(file: file, owner: id, location: location)
    }

    private init(file: HDF5File, location: HDF5Location, id: HDF5ID) {
        self.file = file
        self.location = location
        self.id = id
    }

    static func open(in file: HDF5File, at path: String) throws -> HDF5Group {
        HDF5Library.enter()
        let location = HDF5Location(file: file.name, path: path)
        let id = try HDF5ID(H5Gopen2(file.id.raw, path, aelab_h5p_default()), release: H5Gclose,
                            orThrow: location.libraryError("cannot open group"))
        return HDF5Group(file: file, location: location, id: id)
    }

    /// The group at `path`, created together with any missing groups on the way.
    public func createGroup(_ path: String) throws -> HDF5Group {
        var group = self
        for name in try components(path) {
            group = try group.child(name, create: true)
        }
        return group
    }

    /// The existing group at `path`.
    public func group(_ path: String) throws -> HDF5Group {
        var group = self
        for name in try components(path) {
            group = try group.child(name, create: false)
        }
        return group
    }

    /// What `path` names, or nil if nothing (also when a group on the way is missing).
    public func kind(of path: String) throws -> HDF5ObjectKind? {
        HDF5Library.enter()
        var prefix = ""
        for name in try components(path) {
            prefix += prefix.isEmpty ? name : "/" + name
            let found = H5Lexists(id.raw, prefix, aelab_h5p_default())
            guard found > 0 else { return nil }  // negative: a dataset on the way
        }
        let object = try HDF5ID(H5Oopen(id.raw, path, aelab_h5p_default()), release: H5Oclose,
                                orThrow: location.appending(path).libraryError("cannot open"))
        switch H5Iget_type(object.raw) {
        case H5I_GROUP: return .group
        case H5I_DATASET: return .dataset
        default: return .other
        }
    }

    /// Whether `path` names anything.
    public func contains(_ path: String) throws -> Bool {
        try kind(of: path) != nil
    }

    /// The names of the members (groups, datasets, …), sorted.
    public func memberNames() throws -> [String] {
        HDF5Library.enter()
        var info = H5G_info_t()
        try check(H5Gget_info(id.raw, &info), location.libraryError("cannot list members"))
        return try (0..<info.nlinks).map { index in
            try readName(location.libraryError("cannot list members")) { buffer, size in
                H5Lget_name_by_idx(id.raw, ".", H5_INDEX_NAME, H5_ITER_INC, index, buffer, size, aelab_h5p_default())
            }
        }
    }

    /// Removes the link `path` (the object's space is not reclaimed until the file is rewritten).
    public func remove(_ path: String) throws {
        let target = location.appending(path)
        guard try contains(path) else { throw target.error("cannot remove: not found") }
        try check(H5Ldelete(id.raw, path, aelab_h5p_default()), target.libraryError("cannot remove"))
    }

    /// The existing dataset at `path`.
    public func dataset(_ path: String) throws -> HDF5Dataset {
        let target = location.appending(path)
        switch try kind(of: path) {
        case .dataset?: break
        case nil: throw target.error("dataset not found")
        case .group?: throw target.error("expected a dataset, found a group")
        case .other?: throw target.error("expected a dataset, found another kind of object")
        }
        let id = try HDF5ID(H5Dopen2(id.raw, path, aelab_h5p_default()), release: H5Dclose,
                            orThrow: target.libraryError("cannot open dataset"))
        return HDF5Dataset(file: file, location: target, id: id)
    }

    /// The member group `name`: opened, or created if `create` and missing.
    private func child(_ name: String, create: Bool) throws -> HDF5Group {
        let target = location.appending(name)
        let raw: hid_t
        switch try kind(of: name) {
        case .group?:
            raw = H5Gopen2(id.raw, name, aelab_h5p_default())
        case nil where create:
            raw = H5Gcreate2(id.raw, name, aelab_h5p_default(), aelab_h5p_default(), aelab_h5p_default())
        case nil:
            throw target.error("group not found")
        case .dataset?:
            throw target.error("expected a group, found a dataset")
        case .other?:
            throw target.error("expected a group, found another kind of object")
        }
        let id = try HDF5ID(raw, release: H5Gclose,
                            orThrow: target.libraryError(create ? "cannot create group" : "cannot open group"))
        return HDF5Group(file: file, location: target, id: id)
    }

    private func components(_ path: String) throws -> [String] {
        let names = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !path.hasPrefix("/"), !names.contains(where: { $0.isEmpty || $0 == "." }) else {
            throw location.error("invalid relative path '\(path)'")
        }
        return names
    }
}
