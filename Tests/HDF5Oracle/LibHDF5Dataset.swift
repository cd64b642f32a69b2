import CHDF5
import FileIO

/// An HDF5 dataset read by libhdf5: an n-dimensional array of numbers (the oracle's `HDF5Dataset`).
public final class LibHDF5Dataset: LibHDF5Object {
    /// The dataset's path inside its file, for messages.
    public let path: String

    init(id: hid_t, path: String, owner: AnyObject?) {
        self.path = path
        super.init(id: id, owner: owner, close: H5Dclose)
    }

    /// The extent of each dimension, outermost first (`H5Sget_simple_extent_dims`).
    public func shape() throws -> [Int] {
        try LibHDF5Status.serialized { try unlockedShape() }
    }

    private func unlockedShape() throws -> [Int] {
        let space = try LibHDF5Status.check(H5Dget_space(id), "cannot read the shape of \(quoted(path))")
        defer { H5Sclose(space) }
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank >= 0 else { throw LibHDF5Status.failure("cannot read the shape of \(quoted(path))") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        H5Sget_simple_extent_dims(space, &dims, nil)
        return dims.map { Int($0) }
    }

    /// The bytes the file holds for the dataset's data (`H5Dget_storage_size`):
    /// 0 for a chunked dataset never written, less than its shape needs when compressed.
    public func storageBytes() -> Int {
        LibHDF5Status.serialized { Int(clamping: H5Dget_storage_size(id)) }
    }

    /// Every element as Float, in C order, converted by libhdf5 from the stored
    /// numeric type in one `H5Dread` into `H5T_NATIVE_FLOAT`. The element count
    /// the file claims is checked against the bytes it stores before anything
    /// is allocated for it, as the HDF5 module does.
    public func readFloats() throws -> [Float] {
        try LibHDF5Status.serialized {
            let type = try LibHDF5Status.check(H5Dget_type(id), "cannot read the type of \(quoted(path))")
            let typeClass = H5Tget_class(type)
            let elementSize = H5Tget_size(type)
            H5Tclose(type)
            guard typeClass == H5T_FLOAT || typeClass == H5T_INTEGER, elementSize > 0 else {
                throw LibHDF5Error("dataset \(quoted(path)) does not hold numbers")
            }
            let count = try elementCount(shape: try unlockedShape(), elementSize: elementSize)
            var values = [Float](repeating: 0, count: count)
            guard count > 0 else { return values }
            try LibHDF5Status.check(H5Dread(id, ll_h5t_native_float(), ll_h5s_all(), ll_h5s_all(), ll_h5p_default(), &values),
                                    "cannot read dataset \(quoted(path))")
            return values
        }
    }

    /// The number of elements of the dataset's shape, refused when it overflows
    /// or when a contiguous or compact dataset stores fewer bytes than it needs
    /// (a corrupt shape); a chunked one may be compressed, so it is only held
    /// to `chunkedElementLimit`.
    private func elementCount(shape: [Int], elementSize: Int) throws -> Int {
        var count = 1
        for extent in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw LibHDF5Error("dataset \(quoted(path)) claims an impossible shape \(shape)") }
            count = product
        }
        let creation = try LibHDF5Status.check(H5Dget_create_plist(id), "cannot read the layout of \(quoted(path))")
        let layout = H5Pget_layout(creation)
        H5Pclose(creation)
        if layout == H5D_CHUNKED {
            guard count <= Self.chunkedElementLimit else {
                throw LibHDF5Error("dataset \(quoted(path)) claims \(count) elements, over the limit of \(Self.chunkedElementLimit)")
            }
        } else {
            let (needed, overflow) = count.multipliedReportingOverflow(by: elementSize)
            let stored = H5Dget_storage_size(id)
            guard !overflow, UInt64(stored) >= UInt64(needed) else {
                throw LibHDF5Error("dataset \(quoted(path)) claims shape \(shape) but stores \(stored) bytes (truncated or corrupt)")
            }
        }
        return count
    }

    /// The most elements a chunked (possibly compressed) dataset may claim: 16 GiB of floats.
    static let chunkedElementLimit = 1 << 32
}
