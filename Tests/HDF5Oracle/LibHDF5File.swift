import CHDF5
import FileIO
import Foundation

/// An HDF5 file opened read-only by libhdf5, from disk or from bytes in memory:
/// the reference (test oracle) the HDF5 module's `HDF5File` is checked against.
public final class LibHDF5File {
    private let id: hid_t
    /// The bytes an in-memory file is read from, kept while the file is open.
    private let image: LibHDF5FileImage?

    /// Opens the file at `path` read-only (`H5Fopen`) through the plain POSIX
    /// driver (`H5Pset_fapl_sec2`), named explicitly so that no default or
    /// environment setting can choose a driver that reads other files (family, multi).
    public init(path: String) throws {
        image = nil
        id = try LibHDF5Status.serialized {
            let access = try LibHDF5Status.check(H5Pcreate(ll_h5p_file_access()), "cannot create a file-access list")
            defer { H5Pclose(access) }
            try LibHDF5Status.check(H5Pset_fapl_sec2(access), "cannot select the POSIX file driver")
            return try LibHDF5Status.check(H5Fopen(path, ll_h5f_acc_rdonly(), access), "not a readable HDF5 file")
        }
    }

    /// Opens the HDF5 file that lies at bytes `range` of the file at `path` —
    /// a member stored uncompressed in a zip archive, such as `model.weights.h5`
    /// in a `.keras` file — by reading those bytes into an image.
    public convenience init(path: String, byteRange range: Range<Int>) throws {
        let handle = try openRegularFile(path)
        try handle.seek(toOffset: UInt64(range.lowerBound))
        let bytes = try handle.read(upToCount: range.count) ?? Data()
        guard bytes.count == range.count else { throw LibHDF5Error("bytes \(range) lie past the end of the file") }
        try self.init(imageOfSize: bytes.count) { $0.copyBytes(from: bytes) }
    }

    /// Opens an HDF5 file image of `count` bytes that `fill` writes into a
    /// buffer, which HDF5 then reads in place: a zip member unpacked once.
    public init(imageOfSize count: Int, fill: (UnsafeMutableRawBufferPointer) throws -> Void) throws {
        let image = try LibHDF5FileImage.allocate(count: count, fill: fill)
        self.image = image
        id = try LibHDF5Status.serialized { try Self.open(image) }
    }

    private static func open(_ image: LibHDF5FileImage) throws -> hid_t {
        // HDF5 shares an open file between opens of the same name, so each image gets its own,
        // named apart from the HDF5 module's images while that module still opens them in libhdf5.
        imageCount += 1
        return try image.openFile(named: "layerlens-oracle-image-\(imageCount)")
    }

    deinit { LibHDF5Status.serialized { _ = H5Fclose(id) } }

    /// How many in-memory images have been opened; only touched under the HDF5 lock.
    nonisolated(unsafe) private static var imageCount = 0

    /// The root group, `/`.
    public func root() throws -> LibHDF5Group {
        try LibHDF5Status.serialized {
            let group = try LibHDF5Status.check(H5Gopen2(id, "/", ll_h5p_default()), "cannot open the root group")
            return LibHDF5Group(id: group, path: "/", owner: self)
        }
    }
}
