import _CHDF5Shim

/// The numeric element types this module stores: little-endian in the file (the same bytes on
/// every machine), native in memory, so floats come back bit for bit.
enum HDF5Element {
    case float32, float64, int64, uint64

    var fileType: hid_t {
        switch self {
        case .float32: aelab_h5t_ieee_f32le()
        case .float64: aelab_h5t_ieee_f64le()
        case .int64: aelab_h5t_std_i64le()
        case .uint64: aelab_h5t_std_u64le()
        }
    }

    var memoryType: hid_t {
        switch self {
        case .float32: aelab_h5t_native_float()
        case .float64: aelab_h5t_native_double()
        case .int64: aelab_h5t_native_int64()
        case .uint64: aelab_h5t_native_uint64()
        }
    }

    var name: String {
        switch self {
        case .float32: "float32"
        case .float64: "float64"
        case .int64: "int64"
        case .uint64: "uint64"
        }
    }

    /// Whether values stored as `type` convert to this element type without loss:
    /// float32 → float64, and narrower integers to wider ones of a sign that fits.
    func accepts(_ type: hid_t) -> Bool {
        let size = H5Tget_size(type)
        let signed = H5Tget_sign(type) == H5T_SGN_2
        switch (self, H5Tget_class(type)) {
        case (.float32, H5T_FLOAT): return size == 4
        case (.float64, H5T_FLOAT): return size == 4 || size == 8
        case (.int64, H5T_INTEGER): return size <= 8 && (signed || size < 8)
        case (.uint64, H5T_INTEGER): return size <= 8 && !signed
        default: return false
        }
    }
}

/// A short name for a stored type, for error messages: "float64", "int32", "string", "compound", ….
func describeType(_ type: hid_t) -> String {
    let bits = H5Tget_size(type) * 8
    switch H5Tget_class(type) {
    case H5T_FLOAT: return "float\(bits)"
    case H5T_INTEGER: return (H5Tget_sign(type) == H5T_SGN_2 ? "int" : "uint") + "\(bits)"
    case H5T_STRING: return "string"
    case H5T_COMPOUND: return "compound"
    case H5T_ENUM: return "enum"
    case H5T_ARRAY: return "array"
    case H5T_VLEN: return "variable-length sequence"
    case H5T_REFERENCE: return "reference"
    case H5T_OPAQUE: return "opaque"
    case H5T_BITFIELD: return "bitfield"
    default: return "unknown type"
    }
}

/// A dataspace, from a shape: `[]` is a scalar.
func makeDataspace(_ shape: [Int], _ location: HDF5Location) throws -> HDF5ID {
    let raw: hid_t
    if shape.isEmpty {
        raw = H5Screate(H5S_SCALAR)
    } else {
        let dims = shape.map { hsize_t($0) }
        raw = H5Screate_simple(Int32(dims.count), dims, nil)
    }
    return try HDF5ID(raw, release: H5Sclose, orThrow: location.libraryError("cannot make dataspace \(shape)"))
}

/// The shape of a dataspace: `[]` for a scalar; nil for a null (empty) dataspace.
func dataspaceShape(_ space: hid_t, _ location: HDF5Location) throws -> [Int]? {
    switch H5Sget_simple_extent_type(space) {
    case H5S_SCALAR: return []
    case H5S_NULL: return nil
    default:
        let rank = H5Sget_simple_extent_ndims(space)
        try check(rank, location.libraryError("cannot read dataspace"))
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        try check(H5Sget_simple_extent_dims(space, &dims, nil), location.libraryError("cannot read dataspace"))
        return dims.map { Int($0) }
    }
}
