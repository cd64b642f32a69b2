import Foundation

/// Where one member's bytes lie in a zip archive (`ZipFile.member`), read from
/// the archive's central directory and the member's local header (ZIP64
/// included), every offset and size checked against the archive's length. A
/// member stored uncompressed is a plain byte range of the archive that can be
/// read in place.
///
/// The directory is parsed here rather than by ZIPFoundation: ZIPFoundation
/// converts offsets and sizes from the archive to `off_t`, `Int64` and sums
/// without checking them, so a ZIP64 value near `UInt64.max` traps inside it,
/// and it does not say where a member's data starts.
public struct ZipMemberLocation: Sendable, Equatable {
    /// The member's name (its path inside the archive).
    public let name: String
    /// The member's bytes as stored: the file itself when `isStored`, else deflated.
    public let dataRange: Range<Int>
    /// The member's size once unpacked, as the archive declares it.
    public let uncompressedSize: Int
    /// Whether the member is stored as it is (method 0) rather than deflated.
    public let isStored: Bool
    /// The CRC-32 the archive records for the unpacked bytes.
    public let crc32: UInt32
    /// Why the member cannot be unpacked (an unknown method, encryption), if it cannot.
    let refusal: String?

    /// Deflate cannot pack more than about 1,032 bytes into one; a member that
    /// claims to unpack to more is corrupt (or a zip bomb).
    static let deflateRatioLimit = 1032
}

/// The members of a zip archive, listed from its central directory.
enum ZipDirectory {
    /// Every member of the archive at `path`, in directory order, each one's
    /// data checked to lie inside the file. Throws `FileError`.
    static func members(ofArchiveAt path: String) throws -> [ZipMemberLocation] {
        let handle = try openRegularFile(path)
        defer { try? handle.close() }
        let reader = ArchiveReader(handle: handle, path: path)
        let (directory, count) = try reader.centralDirectory()
        var members: [ZipMemberLocation] = []
        var position = 0
        for _ in 0..<count {
            let (entry, next) = try reader.entry(at: position, of: directory)
            members.append(try reader.location(of: entry))
            position = next
        }
        return members
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
        let name: String
        let flags: UInt16
        let method: UInt16
        let crc32: UInt32
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

    /// The central directory's bytes and the number of entries it holds, found
    /// from the end-of-central-directory record (the last 22 bytes but a comment
    /// of up to 64 KiB) and, for a ZIP64 archive, its ZIP64 record.
    func centralDirectory() throws -> (bytes: [UInt8], count: Int) {
        let tailLength = min(fileSize, 22 + 0xFFFF)
        let tail = try bytes(at: fileSize - tailLength, count: tailLength, what: "the end of the archive")
        guard let end = stride(from: tailLength - 22, through: 0, by: -1).first(where: { tail.uint32(at: $0) == 0x0605_4B50 }) else {
            throw corrupt("no end-of-central-directory record")
        }
        var count = Int(tail.uint16(at: end + 10))
        var size = Int(tail.uint32(at: end + 12))
        var offset = Int(tail.uint32(at: end + 16))
        let locatorAt = fileSize - tailLength + end - 20
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF, locatorAt >= 0,
           try bytes(at: locatorAt, count: 4, what: "the ZIP64 locator").uint32(at: 0) == 0x0706_4B50 {
            let locator = try bytes(at: locatorAt, count: 20, what: "the ZIP64 locator")
            let record = try bytes(at: try insideFile(locator.uint64(at: 8), "the ZIP64 end record's offset"), count: 56, what: "the ZIP64 end record")
            guard record.uint32(at: 0) == 0x0606_4B50 else { throw corrupt("no ZIP64 end record") }
            count = try int(record.uint64(at: 32), "the member count")
            size = try insideFile(record.uint64(at: 40), "the central directory's size")
            offset = try insideFile(record.uint64(at: 48), "the central directory's offset")
        }
        guard size <= Self.directoryLimit else { throw corrupt("a central directory of \(size) bytes") }
        guard count <= size / 46 else { throw corrupt("\(count) members in a central directory of \(size) bytes") }
        return (try bytes(at: offset, count: size, what: "the central directory"), count)
    }

    /// The central directory entry at `position` and where the next one starts,
    /// its 32-bit sizes and offset replaced from the ZIP64 extra field (id 1)
    /// where they are all ones.
    func entry(at position: Int, of directory: [UInt8]) throws -> (Entry, next: Int) {
        guard position + 46 <= directory.count, directory.uint32(at: position) == 0x0201_4B50 else {
            throw corrupt("a central directory entry is missing")
        }
        let nameLength = Int(directory.uint16(at: position + 28))
        let extraLength = Int(directory.uint16(at: position + 30))
        let commentLength = Int(directory.uint16(at: position + 32))
        let extraStart = position + 46 + nameLength
        let next = extraStart + extraLength + commentLength
        guard next <= directory.count else { throw corrupt("a central directory entry runs past the directory") }
        let extra = Array(directory[extraStart..<(extraStart + extraLength)])
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
        let name = String(decoding: directory[(position + 46)..<extraStart], as: UTF8.self)
        let entry = Entry(name: name, flags: directory.uint16(at: position + 8), method: directory.uint16(at: position + 10),
                          crc32: directory.uint32(at: position + 16),
                          compressedSize: try insideFile(values[1], "the stored size of member \(quoted(name))"),
                          uncompressedSize: try int(values[0], "the unpacked size of member \(quoted(name))"),
                          localHeaderOffset: try insideFile(values[2], "the local header offset of member \(quoted(name))"))
        return (entry, next)
    }

    /// Where `entry`'s data lies, from its local header: inside the file, or an error.
    func location(of entry: Entry) throws -> ZipMemberLocation {
        let name = entry.name
        let header = try bytes(at: entry.localHeaderOffset, count: 30, what: "the local header of \(quoted(name))")
        guard header.uint32(at: 0) == 0x0403_4B50 else { throw corrupt("the local header of \(quoted(name)) has no signature") }
        let start = entry.localHeaderOffset + 30 + Int(header.uint16(at: 26)) + Int(header.uint16(at: 28))
        let (end, overflow) = start.addingReportingOverflow(entry.compressedSize)
        guard !overflow, end <= fileSize else { throw corrupt("\(quoted(name)) runs past the end of the archive") }
        guard entry.method != 0 || entry.compressedSize == entry.uncompressedSize else {
            throw corrupt("the stored member \(quoted(name)) records two different sizes")
        }
        guard entry.method == 0 || entry.uncompressedSize / ZipMemberLocation.deflateRatioLimit <= entry.compressedSize else {
            throw corrupt("\(quoted(name)) claims to inflate \(entry.compressedSize) bytes into \(entry.uncompressedSize)")
        }
        let refusal: String? = if entry.flags & 1 != 0 {
            "is encrypted"
        } else if entry.method != 0, entry.method != 8 {
            "is packed with zip method \(entry.method); only stored and deflated members can be read"
        } else {
            nil
        }
        return ZipMemberLocation(name: name, dataRange: start..<end, uncompressedSize: entry.uncompressedSize,
                                 isStored: entry.method == 0, crc32: entry.crc32, refusal: refusal)
    }

    /// A 64-bit size or offset from the archive as an `Int`; `what` names it in the error.
    private func int(_ value: UInt64, _ what: String) throws -> Int {
        guard value <= UInt64(Int.max) else { throw corrupt("\(what), \(value), is past any file size") }
        return Int(value)
    }

    /// A 64-bit offset or stored size that must not pass the end of the file, as an `Int`.
    private func insideFile(_ value: UInt64, _ what: String) throws -> Int {
        guard value <= UInt64(fileSize) else { throw corrupt("\(what), \(value), lies past the end of the \(fileSize)-byte file") }
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
