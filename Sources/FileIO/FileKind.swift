import Foundation

/// What a file's first bytes say it is.
public enum FileKind: Sendable, Equatable {
    case hdf5
    case zip
    case npy
    case png
    case jpeg
    case unknown

    /// Reads up to the first 2 KiB of `path` and recognises the signature; an HDF5
    /// superblock may also sit after a user block at 512, 1024 or 2048 bytes.
    /// Throws `FileError` when the file is missing, a folder or unreadable.
    public static func of(_ path: String) throws -> FileKind {
        let head = try readHead(of: path, count: 2056)
        if head.isEmpty { throw FileError(path, "the file is empty") }
        func starts(_ signature: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + signature.count && Array(head[offset..<(offset + signature.count)]) == signature
        }
        let hdf5: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
        if [0, 512, 1024, 2048].contains(where: { starts(hdf5, at: $0) }) { return .hdf5 }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if starts([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) { return .npy }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        return .unknown
    }

    /// The first `count` bytes of `path` (fewer if the file is shorter).
    public static func readHead(of path: String, count: Int) throws -> [UInt8] {
        let handle = try openRegularFile(path)
        return [UInt8]((try? handle.read(upToCount: count)) ?? Data())
    }
}
