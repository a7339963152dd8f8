import _CHDF5Shim
import TensorCore

/// An open dataset: float32 of any rank (a `Tensor`), or 1-D float64 or uint64.
///
/// Stored contiguous and uncompressed, little-endian; read back bit for bit.
public final class HDF5Dataset {
    /// The file, kept open while this dataset is.
    public let file: HDF5File
    let location: HDF5Location
    let id: HDF5ID

    /// The absolute path in the file, e.g. "/weights/encoder/layer0/weight".
    public var path: String { location.path }

    /// The attributes of this dataset.
    public var attributes: HDF5Attributes {
        HDF5Attributes(file: file, owner: id, location: location)
    }

    init(file: HDF5File, location: HDF5Location, id: HDF5ID) {
        self.file = file
        self.location = location
        self.id = id
    }

    /// The extent of each axis; `[]` for a scalar.
    public func shape() throws -> [Int] {
        HDF5Library.enter()
        let space = try HDF5ID(H5Dget_space(id.raw), release: H5Sclose, orThrow: location.libraryError("cannot read shape"))
        guard let shape = try dataspaceShape(space.raw, location) else {
            throw location.error("dataset has an empty (null) dataspace")
        }
        return shape
    }

    /// A float32 dataset of any rank.
    public func readTensor() throws -> Tensor {
        let (shape, scalars) = try read(.float32, as: Float.self)
        return Tensor(shape: shape, scalars: scalars)
    }

    /// A 1-D float64 dataset (float32 is widened exactly).
    public func readDoubles() throws -> [Double] {
        try read(.float64, as: Double.self, rank: 1).values
    }

    /// A 1-D unsigned-integer dataset.
    public func readUInt64s() throws -> [UInt64] {
        try read(.uint64, as: UInt64.self, rank: 1).values
    }

    private func read<T: Numeric>(_ element: HDF5Element, as: T.Type, rank: Int? = nil) throws -> (shape: [Int], values: [T]) {
        HDF5Library.enter()
        let type = try HDF5ID(H5Dget_type(id.raw), release: H5Tclose, orThrow: location.libraryError("cannot read type"))
        let expected = element.name + (rank == 1 ? " [n]" : "")
        guard element.accepts(type.raw) else {
            throw location.error("expected \(expected), found \(describeType(type.raw))")
        }
        let shape = try shape()
        if let rank, shape.count != rank {
            throw location.error("expected \(expected), found shape \(shape)")
        }
        var values = [T](repeating: 0, count: shape.reduce(1, *))
        if !values.isEmpty {
            let status = values.withUnsafeMutableBufferPointer {
                H5Dread(id.raw, element.memoryType, aelab_h5s_all(), aelab_h5s_all(), aelab_h5p_default(), $0.baseAddress)
            }
            try check(status, location.libraryError("cannot read dataset"))
        }
        return (shape, values)
    }
}

extension HDF5Group {
    /// Creates the dataset `name` holding `tensor` as float32 with the tensor's shape.
    @discardableResult
    public func createDataset(_ name: String, tensor: Tensor) throws -> HDF5Dataset {
        try createDataset(name, .float32, shape: tensor.shape, values: tensor.scalars)
    }

    /// Creates the dataset `name` holding `values` as float64 [n].
    @discardableResult
    public func createDataset(_ name: String, doubles values: [Double]) throws -> HDF5Dataset {
        try createDataset(name, .float64, shape: [values.count], values: values)
    }

    /// Creates the dataset `name` holding `values` as uint64 [n].
    @discardableResult
    public func createDataset(_ name: String, uint64s values: [UInt64]) throws -> HDF5Dataset {
        try createDataset(name, .uint64, shape: [values.count], values: values)
    }

    private func createDataset<T>(_ name: String, _ element: HDF5Element, shape: [Int], values: [T]) throws -> HDF5Dataset {
        HDF5Library.enter()
        let target = location.appending(name)
        if try contains(name) { throw target.error("cannot create dataset: the name is taken") }
        let space = try makeDataspace(shape, target)
        let raw = H5Dcreate2(id.raw, name, element.fileType, space.raw,
                             aelab_h5p_default(), aelab_h5p_default(), aelab_h5p_default())
        let dataset = HDF5Dataset(file: file, location: target,
                                  id: try HDF5ID(raw, release: H5Dclose, orThrow: target.libraryError("cannot create dataset")))
        if !values.isEmpty {
            try values.withUnsafeBufferPointer { buffer in
                try check(H5Dwrite(dataset.id.raw, element.memoryType, aelab_h5s_all(), aelab_h5s_all(),
                                   aelab_h5p_default(), buffer.baseAddress),
                          target.libraryError("cannot write dataset"))
            }
        }
        return dataset
    }
}
