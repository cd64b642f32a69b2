import Foundation

/// Where one member's bytes lie in a zip archive, read from the archive's
/// central directory and the member's local header (ZIP64 included), every
/// offset and size checked against the archive's length. A member stored
/// uncompressed is a plain byte range of the archive that can be read in place.
public struct ZipMemberLocation: Sendable, Equatable {
    /// The member's bytes as stored: the file itself when `isStored`, else deflated.
    public let dataRange: Range<Int>
    /// The member's size once unpacked.
    public let uncompressedSize: Int
    /// Whether the member is stored as it is (method 0) rather than deflated.
    public let isStored: Bool

    /// Deflate cannot pack more than about 1,032 bytes into one; a member that
    /// claims to unpack to more is corrupt (or a zip bomb).
    static let deflateRatioLimit = 1032

    /// Finds member `name` in the archive at `path`. Throws `FileError` when the
    /// archive's directory is unreadable, does not list the member, or points
    /// outside the file.
    public init(of name: String, inArchiveAt path: String) throws {
        let handle = try openRegularFile(path)
        let reader = ArchiveReader(handle: handle, path: path)
        let directory = try reader.centralDirectory()
        let entry = try reader.entry(named: name, in: directory)
        guard entry.method == 0 || entry.method == 8 else {
            throw FileError(path, "\(quoted(name)) is packed with zip method \(entry.method); only stored and deflated members can be read")
        }
        guard entry.flags & 1 == 0 else { throw FileError(path, "\(quoted(name)) is encrypted") }
        let header = try reader.bytes(at: entry.localHeaderOffset, count: 30, what: "the local header of \(quoted(name))")
        guard header.uint32(at: 0) == 0x0403_4B50 else { throw reader.corrupt("the local header of \(quoted(name)) has no signature") }
        let start = entry.localHeaderOffset + 30 + Int(header.uint16(at: 26)) + Int(header.uint16(at: 28))
        let (end, overflow) = start.addingReportingOverflow(entry.compressedSize)
        guard !overflow, end <= reader.fileSize else { throw reader.corrupt("\(quoted(name)) runs past the end of the archive") }
        guard entry.method != 0 || entry.compressedSize == entry.uncompressedSize else {
            throw reader.corrupt("the stored member \(quoted(name)) records two different sizes")
        }
        guard entry.method == 0 || entry.uncompressedSize / Self.deflateRatioLimit <= entry.compressedSize else {
            throw reader.corrupt("\(quoted(name)) claims to inflate \(entry.compressedSize) bytes into \(entry.uncompressedSize)")
        }
        dataRange = start..<end
        uncompressedSize = entry.uncompressedSize
        isStored = entry.method == 0
    }
}

/// Reads the zip structures of one archive, refusing any size or offset that
/// does not fit in the file before it sizes a read.
private struct ArchiveReader {
    let handle: FileHandle
    let path: String
    let fileSize: Int

    /// A central directory entry's fields that locate its member.
    struct Entry {
        let flags: UInt16
        let method: UInt16
        let compressedSize: Int
        let uncompressedSize: Int
        let localHeaderOffset: Int
    }

    /// The largest central directory read: 64 MiB holds a million members.
    static let directoryLimit = 64 << 20

    init(handle: FileHandle, path: String) {
        self.handle = handle
        self.path = path
        fileSize = Int((try? handle.seekToEnd()) ?? 0)
    }

    func corrupt(_ problem: String) -> FileError {
        FileError(path, "is not a readable zip archive (truncated or corrupt: \(problem))")
    }

    /// `count` bytes at `offset`, which must lie inside the file.
    func bytes(at offset: Int, count: Int, what: String) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= fileSize, count <= fileSize - offset else {
            throw corrupt("\(what) lies outside the file")
        }
        do {
            try handle.seek(toOffset: UInt64(offset))
            let data = try handle.read(upToCount: count) ?? Data()
            guard data.count == count else { throw corrupt("\(what) cannot be read in full") }
            return [UInt8](data)
        } catch let error as FileError {
            throw error
        } catch {
            throw FileError(path, "cannot be read (\(error.localizedDescription))")
        }
    }

    /// The central directory's bytes, found from the end-of-central-directory
    /// record (the last 22 bytes but a comment of up to 64 KiB) and, for a
    /// ZIP64 archive, its ZIP64 record.
    func centralDirectory() throws -> [UInt8] {
        let tailLength = min(fileSize, 22 + 0xFFFF)
        let tail = try bytes(at: fileSize - tailLength, count: tailLength, what: "the end of the archive")
        guard let end = stride(from: tailLength - 22, through: 0, by: -1).first(where: { tail.uint32(at: $0) == 0x0605_4B50 }) else {
            throw corrupt("no end-of-central-directory record")
        }
        var size = Int(tail.uint32(at: end + 12))
        var offset = Int(tail.uint32(at: end + 16))
        let locatorAt = fileSize - tailLength + end - 20
        if size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF, locatorAt >= 0 {
            let locator = try bytes(at: locatorAt, count: 20, what: "the ZIP64 locator")
            guard locator.uint32(at: 0) == 0x0706_4B50 else { throw corrupt("no ZIP64 locator") }
            let record = try bytes(at: try int(locator.uint64(at: 8)), count: 56, what: "the ZIP64 end record")
            guard record.uint32(at: 0) == 0x0606_4B50 else { throw corrupt("no ZIP64 end record") }
            size = try int(record.uint64(at: 40))
            offset = try int(record.uint64(at: 48))
        }
        guard size <= Self.directoryLimit else { throw corrupt("a central directory of \(size) bytes") }
        return try bytes(at: offset, count: size, what: "the central directory")
    }

    /// The entry of member `name` in the central directory.
    func entry(named name: String, in directory: [UInt8]) throws -> Entry {
        var position = 0
        while position + 46 <= directory.count {
            guard directory.uint32(at: position) == 0x0201_4B50 else { throw corrupt("a central directory entry has no signature") }
            let nameLength = Int(directory.uint16(at: position + 28))
            let extraLength = Int(directory.uint16(at: position + 30))
            let commentLength = Int(directory.uint16(at: position + 32))
            let next = position + 46 + nameLength + extraLength + commentLength
            guard next <= directory.count else { throw corrupt("a central directory entry runs past the directory") }
            let nameBytes = directory[(position + 46)..<(position + 46 + nameLength)]
            if String(decoding: nameBytes, as: UTF8.self) == name {
                let extra = Array(directory[(position + 46 + nameLength)..<(position + 46 + nameLength + extraLength)])
                return try entry(at: position, of: directory, zip64Extra: extra)
            }
            position = next
        }
        throw FileError(path, "has no \(quoted(name)) inside")
    }

    /// The entry at `position`, its 32-bit sizes and offset replaced from the
    /// ZIP64 extra field (id 1) where they are all ones.
    private func entry(at position: Int, of directory: [UInt8], zip64Extra extra: [UInt8]) throws -> Entry {
        var values = [24, 20, 42].map { UInt64(directory.uint32(at: position + $0)) }  // uncompressed, compressed, offset
        var field = 0
        while field + 4 <= extra.count {
            let id = extra.uint16(at: field), length = Int(extra.uint16(at: field + 2))
            guard field + 4 + length <= extra.count else { throw corrupt("an extra field runs past its entry") }
            if id == 1 {
                var cursor = field + 4
                for index in values.indices where values[index] == 0xFFFF_FFFF {
                    guard cursor + 8 <= field + 4 + length else { throw corrupt("a ZIP64 extra field is too short") }
                    values[index] = extra.uint64(at: cursor)
                    cursor += 8
                }
            }
            field += 4 + length
        }
        return Entry(flags: directory.uint16(at: position + 8), method: directory.uint16(at: position + 10),
                     compressedSize: try int(values[1]), uncompressedSize: try int(values[0]), localHeaderOffset: try int(values[2]))
    }

    /// A 64-bit size or offset as an `Int` (where it is used, it is also checked against the file's length).
    private func int(_ value: UInt64) throws -> Int {
        guard value <= UInt64(Int.max) else { throw corrupt("an offset or size of \(value) bytes") }
        return Int(value)
    }
}

private extension Array where Element == UInt8 {
    func uint16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    func uint32(at offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(self[offset + $1]) << (8 * $1) }
    }

    func uint64(at offset: Int) -> UInt64 {
        (0..<8).reduce(0) { $0 | UInt64(self[offset + $1]) << (8 * $1) }
    }
}
