import _CHDF5Shim

/// The attributes of a group or dataset: scalars (string, integer, float) and 1-D arrays of
/// integers or floats.
///
/// Strings are stored as variable-length UTF-8, which h5py reads as `str`; integers as int64 and
/// floats as float64, little-endian. Reading also accepts fixed-length strings and narrower
/// numeric types that convert without loss. Writing an attribute that exists replaces it.
public struct HDF5Attributes {
    /// Keeps the file open while this value exists.
    let file: HDF5File
    let owner: HDF5ID
    let location: HDF5Location

    // MARK: Listing

    /// Whether the attribute `name` exists.
    public func contains(_ name: String) throws -> Bool {
        HDF5Library.enter()
        let found = H5Aexists(owner.raw, name)
        try check(found, location.libraryError("cannot look up attribute \(name)"))
        return found > 0
    }

    /// The attribute names, sorted.
    public func names() throws -> [String] {
        HDF5Library.enter()
        var info = H5O_info_t()
        try check(H5Oget_info2(owner.raw, &info, UInt32(H5O_INFO_NUM_ATTRS)), location.libraryError("cannot list attributes"))
        return try (0..<info.num_attrs).map { index in
            try readName(location.libraryError("cannot list attributes")) { buffer, size in
                H5Aget_name_by_idx(owner.raw, ".", H5_INDEX_NAME, H5_ITER_INC, index, buffer, size, aelab_h5p_default())
            }
        }
    }

    // MARK: Writing

    /// Removes the attribute `name`.
    public func remove(_ name: String) throws {
        guard try contains(name) else { throw location.error("attribute \(name): not found") }
        try check(H5Adelete(owner.raw, name), failure(name, "cannot remove"))
    }

    public func write(_ name: String, _ value: String) throws {
        HDF5Library.enter()
        guard !value.utf8.contains(0) else { throw location.error("attribute \(name): a string cannot hold a NUL character") }
        let type = try stringType(cset: H5T_CSET_UTF8)
        let attribute = try create(name, type: type.raw, shape: [])
        try value.withCString { characters in
            var pointer: UnsafePointer<CChar>? = characters
            try check(H5Awrite(attribute.raw, type.raw, &pointer), failure(name, "cannot write"))
        }
    }

    public func write(_ name: String, _ value: Int) throws {
        try write(name, [Int64(value)], .int64, shape: [])
    }

    public func write(_ name: String, _ value: Double) throws {
        try write(name, [value], .float64, shape: [])
    }

    public func write(_ name: String, _ values: [Int]) throws {
        try write(name, values.map { Int64($0) }, .int64, shape: [values.count])
    }

    public func write(_ name: String, _ values: [Double]) throws {
        try write(name, values, .float64, shape: [values.count])
    }

    // MARK: Reading

    public func string(_ name: String) throws -> String {
        HDF5Library.enter()
        let (attribute, type) = try open(name, expecting: "string") { H5Tget_class($0) == H5T_STRING }
        try requireShape(name, attribute, scalar: true)
        if H5Tis_variable_str(type.raw) > 0 {
            let memory = try stringType(cset: H5Tget_cset(type.raw))
            var pointer: UnsafeMutablePointer<CChar>?
            try check(H5Aread(attribute.raw, memory.raw, &pointer), failure(name, "cannot read"))
            defer { H5free_memory(pointer) }
            return pointer.map { String(cString: $0) } ?? ""
        }
        var bytes = [UInt8](repeating: 0, count: H5Tget_size(type.raw))
        try check(H5Aread(attribute.raw, type.raw, &bytes), failure(name, "cannot read"))
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    public func int(_ name: String) throws -> Int {
        Int(try read(name, .int64, as: Int64.self, scalar: true)[0])
    }

    public func double(_ name: String) throws -> Double {
        try read(name, .float64, as: Double.self, scalar: true)[0]
    }

    public func ints(_ name: String) throws -> [Int] {
        try read(name, .int64, as: Int64.self, scalar: false).map { Int($0) }
    }

    public func doubles(_ name: String) throws -> [Double] {
        try read(name, .float64, as: Double.self, scalar: false)
    }

    // MARK: Helpers

    private func failure(_ name: String, _ problem: String) -> HDF5Error {
        location.libraryError("attribute \(name): \(problem)")
    }

    private func stringType(cset: H5T_cset_t) throws -> HDF5ID {
        let type = try HDF5ID(H5Tcopy(aelab_h5t_c_s1()), release: H5Tclose, orThrow: location.libraryError("cannot make string type"))
        try check(H5Tset_size(type.raw, aelab_h5t_variable()), location.libraryError("cannot make string type"))
        try check(H5Tset_cset(type.raw, cset), location.libraryError("cannot make string type"))
        return type
    }

    private func create(_ name: String, type: hid_t, shape: [Int]) throws -> HDF5ID {
        if try contains(name) {
            try check(H5Adelete(owner.raw, name), failure(name, "cannot replace"))
        }
        let space = try makeDataspace(shape, location)
        let raw = H5Acreate2(owner.raw, name, type, space.raw, aelab_h5p_default(), aelab_h5p_default())
        return try HDF5ID(raw, release: H5Aclose, orThrow: failure(name, "cannot create"))
    }

    private func write<T>(_ name: String, _ values: [T], _ element: HDF5Element, shape: [Int]) throws {
        HDF5Library.enter()
        let attribute = try create(name, type: element.fileType, shape: shape)
        guard !values.isEmpty else { return }
        try values.withUnsafeBufferPointer { buffer in
            try check(H5Awrite(attribute.raw, element.memoryType, buffer.baseAddress), failure(name, "cannot write"))
        }
    }

    /// Opens attribute `name` and its type, and checks the type with `accepts`.
    private func open(_ name: String, expecting expected: String,
                      accepts: (hid_t) -> Bool) throws -> (attribute: HDF5ID, type: HDF5ID) {
        guard try contains(name) else { throw location.error("attribute \(name): not found") }
        let attribute = try HDF5ID(H5Aopen(owner.raw, name, aelab_h5p_default()), release: H5Aclose,
                                   orThrow: failure(name, "cannot open"))
        let type = try HDF5ID(H5Aget_type(attribute.raw), release: H5Tclose, orThrow: failure(name, "cannot read type"))
        guard accepts(type.raw) else {
            throw location.error("attribute \(name): expected \(expected), found \(describeType(type.raw))")
        }
        return (attribute, type)
    }

    /// The attribute's shape: one element if `scalar`, else a 1-D array; returns the element count.
    @discardableResult
    private func requireShape(_ name: String, _ attribute: HDF5ID, scalar: Bool) throws -> Int {
        let space = try HDF5ID(H5Aget_space(attribute.raw), release: H5Sclose, orThrow: failure(name, "cannot read shape"))
        let shape = try dataspaceShape(space.raw, location)
        let count = shape?.reduce(1, *) ?? 0
        if scalar, count == 1 { return 1 }
        if !scalar, let shape, shape.count == 1 { return count }
        let found = shape.map { "shape \($0)" } ?? "an empty dataspace"
        throw location.error("attribute \(name): expected \(scalar ? "a scalar" : "a 1-D array"), found \(found)")
    }

    private func read<T: Numeric>(_ name: String, _ element: HDF5Element, as: T.Type, scalar: Bool) throws -> [T] {
        HDF5Library.enter()
        let (attribute, _) = try open(name, expecting: element.name + (scalar ? "" : " array"), accepts: element.accepts)
        let count = try requireShape(name, attribute, scalar: scalar)
        var values = [T](repeating: 0, count: count)
        if count > 0 {
            let status = values.withUnsafeMutableBufferPointer { H5Aread(attribute.raw, element.memoryType, $0.baseAddress) }
            try check(status, failure(name, "cannot read"))
        }
        return values
    }
}

/// Reads a name through HDF5's two-call protocol: ask for the length, then fill a buffer.
func readName(_ failure: @autoclosure () -> HDF5Error,
              _ call: (UnsafeMutablePointer<CChar>?, Int) -> Int) throws -> String {
    let length = call(nil, 0)
    try check(length, failure())
    var buffer = [CChar](repeating: 0, count: length + 1)
    try check(call(&buffer, length + 1), failure())
    return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
