import CHDF5

/// An HDF5 dataset: an n-dimensional array of numbers.
public final class HDF5Dataset: HDF5Object {
    /// The dataset's path inside its file, for messages.
    public let path: String

    init(id: hid_t, path: String, owner: AnyObject?) {
        self.path = path
        super.init(id: id, owner: owner, close: H5Dclose)
    }

    /// The extent of each dimension, outermost first (`H5Sget_simple_extent_dims`).
    public func shape() throws -> [Int] {
        try HDF5Status.serialized { try unlockedShape() }
    }

    private func unlockedShape() throws -> [Int] {
        let space = try HDF5Status.check(H5Dget_space(id), "cannot read the shape of '\(path)'")
        defer { H5Sclose(space) }
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank >= 0 else { throw HDF5Status.failure("cannot read the shape of '\(path)'") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        H5Sget_simple_extent_dims(space, &dims, nil)
        return dims.map { Int($0) }
    }

    /// Every element as Float, in C order, converted by HDF5 from the stored
    /// numeric type (`H5Dread` into `H5T_NATIVE_FLOAT`).
    public func readFloats() throws -> [Float] {
        try HDF5Status.serialized { try unlockedReadFloats() }
    }

    private func unlockedReadFloats() throws -> [Float] {
        let type = try HDF5Status.check(H5Dget_type(id), "cannot read the type of '\(path)'")
        let typeClass = H5Tget_class(type)
        H5Tclose(type)
        guard typeClass == H5T_FLOAT || typeClass == H5T_INTEGER else {
            throw HDF5Error("dataset '\(path)' does not hold numbers")
        }
        let count = try shape().reduce(1, *)
        var values = [Float](repeating: 0, count: count)
        if count > 0 {
            try HDF5Status.check(H5Dread(id, ll_h5t_native_float(), ll_h5s_all(), ll_h5s_all(), ll_h5p_default(), &values),
                                 "cannot read dataset '\(path)'")
        }
        return values
    }
}
