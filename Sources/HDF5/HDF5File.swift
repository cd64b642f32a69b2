/// An HDF5 file opened read-only, from disk or from bytes in memory, read by
/// LayerLens's own reader (`ByteCursor` and `Format/`): every structure is
/// bounds-checked, so hostile bytes end in an `HDF5Error`, and nothing but the
/// file's own bytes is ever read — external links, external storage, virtual
/// datasets and filters Keras does not write are refused by name.
public final class HDF5File: @unchecked Sendable {
    let source: HDF5Source

    /// Opens the regular file at `path`, mapped read-only.
    public init(path: String) throws {
        source = try HDF5Source(FileBytes.map(path: path))
    }

    /// Opens the HDF5 file that lies at bytes `range` of the file at `path` —
    /// a member stored uncompressed in a zip archive, such as `model.weights.h5`
    /// in a `.keras` file — by mapping those bytes read-only and reading them in place.
    public init(path: String, byteRange range: Range<Int>) throws {
        source = try HDF5Source(FileBytes.map(path: path, range: range))
    }

    /// Opens an HDF5 file image of `count` bytes that `fill` writes into a
    /// buffer, which is then read in place: a zip member unpacked once.
    public init(imageOfSize count: Int, fill: (UnsafeMutableRawBufferPointer) throws -> Void) throws {
        source = try HDF5Source(FileBytes.allocate(count: count, fill: fill))
    }

    /// The root group, `/`.
    public func root() throws -> HDF5Group {
        let header = try ObjectHeader(at: source.superblock.rootAddress, in: source)
        guard let group = try HDF5Group(header: header, path: "/", file: self) else {
            throw HDF5Error("corrupt file: the root object is not a group")
        }
        return group
    }
}
