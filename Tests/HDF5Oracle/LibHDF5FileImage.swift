import CHDF5
import FileIO
import Foundation

/// Bytes at a fixed address that HDF5's in-memory (core) driver reads a file
/// from in place: a buffer holding a byte range of a file (a zip member).
/// HDF5 is told, through file-image callbacks, to use these bytes as they are
/// instead of copying them (`H5Pset_file_image_callbacks`), so the image must
/// outlive every file opened on it.
final class LibHDF5FileImage {
    /// The image's bytes.
    let bytes: UnsafeRawBufferPointer
    /// What the callbacks get as their `udata`: the image's address and size.
    private let callbackData: UnsafeMutablePointer<UnsafeRawBufferPointer>

    private init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        callbackData = .allocate(capacity: 1)
        callbackData.initialize(to: bytes)
    }

    deinit {
        bytes.deallocate()
        callbackData.deallocate()
    }

    /// A buffer of `count` bytes that `fill` writes the image into.
    static func allocate(count: Int, fill: (UnsafeMutableRawBufferPointer) throws -> Void) throws -> LibHDF5FileImage {
        guard count > 0 else { throw LibHDF5Error("an empty buffer is not an HDF5 file") }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
        do {
            try fill(buffer)
        } catch {
            buffer.deallocate()
            throw error
        }
        return LibHDF5FileImage(bytes: UnsafeRawBufferPointer(buffer))
    }

    /// Opens the image read-only under `name` through the core driver, without
    /// a copy: each callback hands back the image itself (`image_malloc`),
    /// accepts only copies of it onto itself (`image_memcpy`), and frees nothing.
    func openFile(named name: String) throws -> hid_t {
        let access = try LibHDF5Status.check(H5Pcreate(ll_h5p_file_access()), "cannot create a file-access list")
        defer { H5Pclose(access) }
        try LibHDF5Status.check(H5Pset_fapl_core(access, 1 << 20, false), "cannot select the in-memory driver")
        var callbacks = H5FD_file_image_callbacks_t(
            image_malloc: { size, _, data in
                guard let image = data?.assumingMemoryBound(to: UnsafeRawBufferPointer.self).pointee, size == image.count else { return nil }
                return UnsafeMutableRawPointer(mutating: image.baseAddress)
            },
            image_memcpy: { destination, source, _, _, _ in
                destination.map(UnsafeRawPointer.init) == source ? destination : nil
            },
            image_realloc: { _, _, _, _ in nil },
            image_free: { _, _, _ in 0 },
            udata_copy: { data in data },
            udata_free: { _ in 0 },
            udata: UnsafeMutableRawPointer(callbackData))
        try LibHDF5Status.check(H5Pset_file_image_callbacks(access, &callbacks), "cannot hand HDF5 the file-image callbacks")
        try LibHDF5Status.check(H5Pset_file_image(access, UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count),
                             "cannot hand the file image to HDF5")
        return try LibHDF5Status.check(H5Fopen(name, ll_h5f_acc_rdonly(), access), "not a readable HDF5 file")
    }
}
