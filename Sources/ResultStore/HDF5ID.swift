import _CHDF5Shim

/// One HDF5 identifier, owned: released exactly once, by `close()` or when the owner goes away.
final class HDF5ID {
    private(set) var raw: hid_t
    private let release: (hid_t) -> herr_t

    /// Takes ownership of `raw`, or throws `failure` if the call that made it failed (`raw < 0`).
    init(_ raw: hid_t, release: @escaping (hid_t) -> herr_t, orThrow failure: @autoclosure () -> HDF5Error) throws {
        guard raw >= 0 else { throw failure() }
        self.raw = raw
        self.release = release
    }

    /// Releases the identifier now; false if HDF5 reported a failure. Later calls do nothing.
    ///
    /// The calling thread's error stack is kept: Swift may release an identifier between a
    /// failed HDF5 call and the moment its error is read, and every HDF5 call clears the stack.
    @discardableResult
    func close() -> Bool {
        guard raw >= 0 else { return true }
        let status: herr_t
        if H5Eget_num(aelab_h5e_default()) > 0 {
            let pending = H5Eget_current_stack()
            status = release(raw)
            if pending >= 0 { H5Eset_current_stack(pending) }
        } else {
            status = release(raw)
        }
        raw = -1
        return status >= 0
    }

    deinit { close() }
}

/// Throws `failure` when an HDF5 call returned a negative status.
@inline(__always)
func check<T: BinaryInteger>(_ status: T, _ failure: @autoclosure () -> HDF5Error) throws {
    if status < 0 { throw failure() }
}
