import CHDF5
import FileIO

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
        let space = try HDF5Status.check(H5Dget_space(id), "cannot read the shape of \(quoted(path))")
        defer { H5Sclose(space) }
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank >= 0 else { throw HDF5Status.failure("cannot read the shape of \(quoted(path))") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        H5Sget_simple_extent_dims(space, &dims, nil)
        return dims.map { Int($0) }
    }

    /// The bytes the file holds for the dataset's data (`H5Dget_storage_size`):
    /// 0 for a chunked dataset never written, less than its shape needs when compressed.
    public func storageBytes() -> Int {
        HDF5Status.serialized { Int(clamping: H5Dget_storage_size(id)) }
    }

    /// Every element as Float, in C order, converted by HDF5 from the stored
    /// numeric type (`H5Dread` into `H5T_NATIVE_FLOAT`), a block of outermost
    /// rows at a time. The element count the file claims is checked against
    /// the bytes it stores before anything is allocated for it.
    public func readFloats() throws -> [Float] {
        try readFloats(blockBytes: Self.blockBytes)
    }

    /// `readFloats()`, reading about `blockBytes` of raw data at a time.
    func readFloats(blockBytes: Int) throws -> [Float] {
        try HDF5Status.serialized { try unlockedReadFloats(blockBytes: blockBytes) }
    }

    private func unlockedReadFloats(blockBytes: Int) throws -> [Float] {
        let type = try HDF5Status.check(H5Dget_type(id), "cannot read the type of \(quoted(path))")
        let typeClass = H5Tget_class(type)
        let elementSize = H5Tget_size(type)
        H5Tclose(type)
        guard typeClass == H5T_FLOAT || typeClass == H5T_INTEGER, elementSize > 0 else {
            throw HDF5Error("dataset \(quoted(path)) does not hold numbers")
        }
        let shape = try unlockedShape()
        let count = try elementCount(shape: shape, elementSize: elementSize)
        var values = [Float](repeating: 0, count: count)
        guard count > 0 else { return values }
        let rows = shape.first ?? 1
        let rowElements = count / rows, rowBytes = rowElements * elementSize
        let rowsPerBlock = max(1, blockBytes / rowBytes)
        try values.withUnsafeMutableBufferPointer { buffer in
            for firstRow in stride(from: 0, to: rows, by: rowsPerBlock) {
                let block = firstRow..<(firstRow + min(rowsPerBlock, rows - firstRow))
                try readRows(block, of: shape, into: UnsafeMutableBufferPointer(rebasing: buffer[(block.lowerBound * rowElements)...]))
                (owner as? HDF5File)?.didCopyOut(rawDataOf: id, bytes: (block.lowerBound * rowBytes)..<(block.upperBound * rowBytes))
            }
        }
        return values
    }

    /// How much is read at a time: a file mapped in memory gives each block's
    /// pages back once it is copied out, so this bounds what reading costs on top
    /// of the values read.
    static let blockBytes = 8 << 20

    /// Reads outermost rows `rows` (all of a scalar) into `destination` (`H5Dread`
    /// of a hyperslab into `H5T_NATIVE_FLOAT`).
    private func readRows(_ rows: Range<Int>, of shape: [Int], into destination: UnsafeMutableBufferPointer<Float>) throws {
        let fileSpace = try HDF5Status.check(H5Dget_space(id), "cannot read the shape of \(quoted(path))")
        defer { H5Sclose(fileSpace) }
        var blockShape = shape.map { hsize_t($0) }
        if !shape.isEmpty {
            blockShape[0] = hsize_t(rows.count)
            var start = [hsize_t](repeating: 0, count: shape.count)
            start[0] = hsize_t(rows.lowerBound)
            try HDF5Status.check(H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, start, nil, blockShape, nil), "cannot select rows of \(quoted(path))")
        }
        let memorySpace = try HDF5Status.check(H5Screate_simple(Int32(blockShape.count), blockShape, nil), "cannot make a dataspace")
        defer { H5Sclose(memorySpace) }
        try HDF5Status.check(H5Dread(id, ll_h5t_native_float(), memorySpace, fileSpace, ll_h5p_default(), destination.baseAddress),
                             "cannot read dataset \(quoted(path))")
    }

    /// The number of elements of the dataset's shape, refused when it overflows
    /// or when a contiguous or compact dataset stores fewer bytes than it needs
    /// (a corrupt shape); a chunked one may be compressed, so it is only held
    /// to `chunkedElementLimit`.
    private func elementCount(shape: [Int], elementSize: Int) throws -> Int {
        var count = 1
        for extent in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw HDF5Error("dataset \(quoted(path)) claims an impossible shape \(shape)") }
            count = product
        }
        let creation = try HDF5Status.check(H5Dget_create_plist(id), "cannot read the layout of \(quoted(path))")
        let layout = H5Pget_layout(creation)
        H5Pclose(creation)
        if layout == H5D_CHUNKED {
            guard count <= Self.chunkedElementLimit else {
                throw HDF5Error("dataset \(quoted(path)) claims \(count) elements, over the limit of \(Self.chunkedElementLimit)")
            }
        } else {
            let (needed, overflow) = count.multipliedReportingOverflow(by: elementSize)
            let stored = H5Dget_storage_size(id)
            guard !overflow, UInt64(stored) >= UInt64(needed) else {
                throw HDF5Error("dataset \(quoted(path)) claims shape \(shape) but stores \(stored) bytes (truncated or corrupt)")
            }
        }
        return count
    }

    /// The most elements a chunked (possibly compressed) dataset may claim: 16 GiB of floats.
    static let chunkedElementLimit = 1 << 32
}
