import Foundation
import ZIPFoundation

/// A zip archive read with ZIPFoundation: the `.keras` and `.npz` containers.
public struct ZipFile {
    private let archive: Archive
    /// The path of the archive, for messages.
    public let path: String

    /// Opens the archive at `path`; a truncated or corrupt one throws `FileError`.
    public init(path: String) throws {
        try requireReadableFile(path)
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw FileError(path, "is not a readable zip archive (truncated or corrupt: its central directory cannot be read)")
        }
        self.path = path
    }

    /// The names of the files inside, in archive order.
    public var entryNames: [String] { archive.filter { $0.type == .file }.map(\.path) }

    /// The contents of `name`, checked against its CRC-32; refuses entries that
    /// would unpack to more than `limit` bytes. Throws `FileError`.
    public func contents(of name: String, limit: UInt64 = 4 << 30) throws -> Data {
        guard let entry = archive[name] else { throw FileError(path, "has no \(quoted(name)) inside") }
        guard entry.uncompressedSize <= limit else {
            throw FileError(path, "\(quoted(name)) would unpack to \(entry.uncompressedSize) bytes, over the \(limit)-byte limit")
        }
        guard entry.uncompressedSize / UInt64(ZipMemberLocation.deflateRatioLimit) <= entry.compressedSize else {
            throw FileError(path, "\(quoted(name)) claims to unpack \(entry.compressedSize) bytes into \(entry.uncompressedSize) (truncated or corrupt archive)")
        }
        var data = Data(count: Int(entry.uncompressedSize))
        try data.withUnsafeMutableBytes { try unpack(entry, into: $0) }
        return data
    }

    /// Unpacks `name` into `buffer`, which must be exactly its unpacked size,
    /// checking its CRC-32: a member inflated once, straight where it is used.
    /// Throws `FileError`.
    public func unpack(_ name: String, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard let entry = archive[name] else { throw FileError(path, "has no \(quoted(name)) inside") }
        try unpack(entry, into: buffer)
    }

    private func unpack(_ entry: Entry, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard entry.uncompressedSize == UInt64(buffer.count) else {
            throw FileError(path, "\(quoted(entry.path)) unpacks to \(entry.uncompressedSize) bytes, not the \(buffer.count) expected")
        }
        var written = 0
        do {
            _ = try archive.extract(entry) { chunk in
                guard chunk.count <= buffer.count - written else { throw CocoaError(.fileReadTooLarge) }
                chunk.copyBytes(to: UnsafeMutableRawBufferPointer(rebasing: buffer[written..<(written + chunk.count)]))
                written += chunk.count
            }
        } catch {
            throw FileError(path, "\(quoted(entry.path)) cannot be unpacked (truncated or corrupt archive)")
        }
        guard written == buffer.count else {
            throw FileError(path, "\(quoted(entry.path)) cannot be unpacked (truncated or corrupt archive)")
        }
    }
}

/// Builds a zip archive in memory (stored, uncompressed), as `numpy.savez` does.
public struct ZipBuilder {
    private let archive: Archive

    public init() throws {
        archive = try Archive(data: Data(), accessMode: .create)
    }

    /// Adds a file `name` holding `data`.
    public func add(_ name: String, _ data: Data) throws {
        try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count)) { position, size in
            data.subdata(in: Int(position)..<(Int(position) + size))
        }
    }

    /// The archive's bytes.
    public var data: Data { archive.data ?? Data() }
}
