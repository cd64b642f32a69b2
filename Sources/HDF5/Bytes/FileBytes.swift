import FileIO
import Foundation

/// The bytes of one HDF5 file, read in place: a read-only map of a file (or of
/// a byte range of one, such as a zip member stored uncompressed), or a buffer
/// of its own (a member unpacked once). Every structure of the file is read
/// from here through `ByteCursor`s; nothing else of the disk is read.
final class FileBytes: @unchecked Sendable {
    /// The file's bytes.
    let bytes: UnsafeRawBufferPointer
    /// The whole mapping, page-aligned, when the bytes are a map of a file.
    private let mapping: UnsafeMutableRawBufferPointer?

    private init(bytes: UnsafeRawBufferPointer, mapping: UnsafeMutableRawBufferPointer?) {
        self.bytes = bytes
        self.mapping = mapping
    }

    deinit {
        if let mapping {
            munmap(mapping.baseAddress, mapping.count)
        } else {
            bytes.deallocate()
        }
    }

    /// Maps bytes `range` of the regular file at `path` read-only; the whole file when `range` is nil.
    static func map(path: String, range: Range<Int>? = nil) throws -> FileBytes {
        let file = try openRegularFile(path)
        defer { try? file.close() }  // once mapped, the mapping keeps the file
        let descriptor = file.fileDescriptor
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw HDF5Error("cannot read the file's size (\(String(cString: strerror(errno))))") }
        let range = range ?? 0..<Int(status.st_size)
        guard range.lowerBound >= 0, !range.isEmpty else { throw HDF5Error("an empty file is not an HDF5 file") }
        guard range.upperBound <= Int(status.st_size) else {
            throw HDF5Error("bytes \(range.lowerBound)..<\(range.upperBound) lie past the end of the \(status.st_size)-byte file")
        }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = range.lowerBound - range.lowerBound % page
        let length = range.upperBound - start
        let address = mmap(nil, length, PROT_READ, MAP_SHARED, descriptor, off_t(start))
        guard let address, address != MAP_FAILED else {
            throw HDF5Error("cannot map the file (\(String(cString: strerror(errno))))")
        }
        let bytes = UnsafeRawBufferPointer(start: address + (range.lowerBound - start), count: range.count)
        return FileBytes(bytes: bytes, mapping: UnsafeMutableRawBufferPointer(start: address, count: length))
    }

    /// A buffer of `count` bytes that `fill` writes the file into.
    static func allocate(count: Int, fill: (UnsafeMutableRawBufferPointer) throws -> Void) throws -> FileBytes {
        guard count > 0 else { throw HDF5Error("an empty buffer is not an HDF5 file") }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
        do {
            try fill(buffer)
        } catch {
            buffer.deallocate()
            throw error
        }
        return FileBytes(bytes: UnsafeRawBufferPointer(buffer), mapping: nil)
    }

    /// Gives back the mapped pages that lie wholly inside `range` of the file
    /// once their bytes have been copied out (`madvise(MADV_DONTNEED)`): they
    /// stay in the page cache, shared, instead of counting in this process's
    /// memory, and are mapped again if read again. A buffer of its own is kept
    /// whole: it is the only copy.
    func releasePages(_ range: Range<Int>) {
        guard let mapping, let base = mapping.baseAddress, range.lowerBound >= 0, range.upperBound <= bytes.count else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let offset = bytes.baseAddress! - UnsafeRawPointer(base)
        let first = (offset + range.lowerBound + page - 1) / page * page
        let end = (offset + range.upperBound) / page * page
        if end > first { madvise(base + first, end - first, MADV_DONTNEED) }
    }
}
