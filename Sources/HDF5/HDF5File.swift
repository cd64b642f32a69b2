import CHDF5
import Foundation

/// An HDF5 file opened read-only, from disk or from bytes in memory.
public final class HDF5File {
    private let id: hid_t

    /// The 8-byte signature every HDF5 superblock starts with.
    public static let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Opens the file at `path` read-only (`H5Fopen`).
    public init(path: String) throws {
        id = try HDF5Status.serialized {
            try HDF5Status.check(H5Fopen(path, ll_h5f_acc_rdonly(), ll_h5p_default()), "not a readable HDF5 file")
        }
    }

    /// Opens an HDF5 file held in memory, such as `model.weights.h5` inside a
    /// `.keras` archive, through the core driver (`H5Pset_fapl_core`, `H5Pset_file_image`,
    /// which copies the bytes, so nothing here needs to outlive the call).
    public init(image bytes: Data) throws {
        id = try HDF5Status.serialized { try Self.open(image: bytes) }
    }

    private static func open(image bytes: Data) throws -> hid_t {
        let access = try HDF5Status.check(H5Pcreate(ll_h5p_file_access()), "cannot create a file-access list")
        defer { H5Pclose(access) }
        try HDF5Status.check(H5Pset_fapl_core(access, 1 << 20, false), "cannot select the in-memory driver")
        try bytes.withUnsafeBytes { buffer in
            try HDF5Status.check(H5Pset_file_image(access, UnsafeMutableRawPointer(mutating: buffer.baseAddress), buffer.count),
                                 "cannot hand the file image to HDF5")
        }
        // HDF5 shares an open file between opens of the same name, so each image gets its own.
        imageCount += 1
        return try HDF5Status.check(H5Fopen("layerlens-image-\(imageCount)", ll_h5f_acc_rdonly(), access), "not a readable HDF5 file")
    }

    deinit { HDF5Status.serialized { _ = H5Fclose(id) } }

    /// How many in-memory images have been opened; only touched under the HDF5 lock.
    nonisolated(unsafe) private static var imageCount = 0

    /// The root group, `/`.
    public func root() throws -> HDF5Group {
        try HDF5Status.serialized {
            let group = try HDF5Status.check(H5Gopen2(id, "/", ll_h5p_default()), "cannot open the root group")
            return HDF5Group(id: group, path: "/", owner: self)
        }
    }
}
