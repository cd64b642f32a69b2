import CDeflate
import Foundation
import ZIPFoundation

/// A zip archive: the `.keras` and `.npz` containers.
///
/// Its members are listed by `ZipDirectory` (every offset checked against the
/// archive's length) and inflated by ZIPFoundation. Every member read is
/// checked twice: it may not inflate past the size the archive declares for it
/// (nor past `inflatedSizeLimit`), and its bytes must match the CRC-32 the
/// archive records. Damage is a `FileError` naming the archive and the member.
public struct ZipFile {
    /// The path of the archive, for messages.
    public let path: String
    /// Every member, in archive order.
    private let members: [ZipMemberLocation]

    /// The most any one member may unpack to: 4 GiB, whatever the archive declares.
    public static let inflatedSizeLimit = 4 << 30
    /// The size of the pieces a member is read and inflated in.
    static let chunkSize = 64 << 10

    /// Opens the archive at `path`; a truncated or corrupt one throws `FileError`.
    public init(path: String) throws {
        members = try ZipDirectory.members(ofArchiveAt: path)
        self.path = path
    }

    /// The names of the files inside (directories left out), in archive order.
    public var entryNames: [String] { members.map(\.name).filter { !$0.hasSuffix("/") } }

    /// Where member `name` lies and what it declares. Throws `FileError` when it is
    /// missing or cannot be unpacked.
    public func member(_ name: String) throws -> ZipMemberLocation {
        guard let member = members.first(where: { $0.name == name }) else { throw FileError(path, "has no member \(quoted(name)) inside") }
        if let refusal = member.refusal { throw FileError(path, "member \(quoted(name)) \(refusal)") }
        return member
    }

    /// The contents of `name`, checked as the type says; refuses members that
    /// would unpack to more than `limit` bytes. Throws `FileError`.
    public func contents(of name: String, limit: Int = inflatedSizeLimit) throws -> Data {
        let member = try member(name)
        guard member.uncompressedSize <= limit else {
            throw FileError(path, "member \(quoted(name)) would unpack to \(Self.sizeDescription(member.uncompressedSize)), over the \(Self.sizeDescription(limit)) limit; refused")
        }
        var data = Data(count: member.uncompressedSize)
        try data.withUnsafeMutableBytes { try unpack(member, into: $0) }
        return data
    }

    /// Unpacks `name` into `buffer`, which must be exactly its declared size:
    /// a member inflated once, straight where it is used. Throws `FileError`.
    public func unpack(_ name: String, into buffer: UnsafeMutableRawBufferPointer) throws {
        try unpack(try member(name), into: buffer)
    }

    private func unpack(_ member: ZipMemberLocation, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard member.uncompressedSize == buffer.count else {
            throw FileError(path, "member \(quoted(member.name)) unpacks to \(member.uncompressedSize) bytes, not the \(buffer.count) expected")
        }
        var written = 0
        try read(member) { chunk in
            UnsafeMutableRawBufferPointer(rebasing: buffer[written..<(written + chunk.count)]).copyMemory(from: chunk)
            written += chunk.count
            return true
        }
    }

    /// Reads member `name` to its end without keeping it, checking its size and
    /// CRC-32: for a member then read in place. Throws `FileError`.
    public func verify(_ name: String) throws {
        try read(name) { _ in true }
    }

    /// Reads member `name` from its start in pieces of at most 64 KiB, handing
    /// each to `body` until `body` returns false or the member ends: a member
    /// streamed in constant memory. Read to its end, the member is checked
    /// against its declared size and CRC-32 (a `FileError` otherwise); it never
    /// hands over more than its declared size.
    public func read(_ name: String, _ body: (UnsafeRawBufferPointer) throws -> Bool) throws {
        try read(try member(name), body)
    }

    private func read(_ member: ZipMemberLocation, _ body: (UnsafeRawBufferPointer) throws -> Bool) throws {
        guard member.uncompressedSize <= Self.inflatedSizeLimit else {
            throw FileError(path, "member \(quoted(member.name)) declares \(Self.sizeDescription(member.uncompressedSize)), over the \(Self.sizeDescription(Self.inflatedSizeLimit)) limit; refused")
        }
        let handle = try openRegularFile(path)
        defer { try? handle.close() }
        var delivered = 0, checksum: CRC32 = 0
        /// Hands one inflated (or stored) piece on, refusing any byte past the declared size.
        func deliver(_ data: Data) throws {
            guard data.count <= member.uncompressedSize - delivered else { throw ReadEnd.pastDeclaredSize }
            delivered += data.count
            checksum = Self.crc32(of: data, continuing: checksum)
            let goOn: Bool
            do { goOn = try data.withUnsafeBytes(body) } catch { throw ReadEnd.readerFailed(error) }
            guard goOn else { throw ReadEnd.stoppedByReader }
        }
        do {
            try handle.seek(toOffset: UInt64(member.dataRange.lowerBound))
            if member.isStored {
                while delivered < member.uncompressedSize {
                    let piece = try handle.read(upToCount: min(Self.chunkSize, member.uncompressedSize - delivered)) ?? Data()
                    guard !piece.isEmpty else { throw ReadEnd.pastMemberEnd }
                    try deliver(piece)
                }
            } else {
                // `deliver` checksums what it is handed; ZIPFoundation's own checksum is skipped.
                _ = try Data.decompress(size: Int64(member.dataRange.count), bufferSize: Self.chunkSize, skipCRC32: true,
                                               provider: compressedPieces(of: member, from: handle), consumer: deliver)
            }
        } catch ReadEnd.stoppedByReader {
            return
        } catch let ReadEnd.readerFailed(error) {
            throw error
        } catch ReadEnd.pastDeclaredSize {
            throw FileError(path, "member \(quoted(member.name)) inflates past its declared \(Self.sizeDescription(member.uncompressedSize)); refused")
        } catch ReadEnd.pastMemberEnd {
            throw FileError(path, "member \(quoted(member.name)) runs past its \(member.dataRange.count) stored bytes (truncated or corrupt archive); refused")
        } catch let error as FileError {
            throw error
        } catch {
            throw FileError(path, "member \(quoted(member.name)) cannot be inflated (corrupt deflate data); refused")
        }
        guard delivered == member.uncompressedSize else {
            throw FileError(path, "member \(quoted(member.name)) unpacks to \(Self.sizeDescription(delivered)), not its declared \(Self.sizeDescription(member.uncompressedSize)); refused")
        }
        guard checksum == member.crc32 else {
            throw FileError(path, "member \(quoted(member.name)) fails its CRC-32 check (recorded \(Self.hex(member.crc32)), read \(Self.hex(checksum))); refused")
        }
    }

    /// The deflated bytes of `member`, piece by piece, for ZIPFoundation's inflater.
    ///
    /// On Linux ZIPFoundation tells zlib each piece holds the full size it asked
    /// for and stops only at the end of the deflate stream, reading on past the
    /// member. So every piece is the size asked for, the last one padded with
    /// zeros, and asking again past the member's bytes is an error: a stream that
    /// does not end inside its member cannot loop or read past it.
    private func compressedPieces(of member: ZipMemberLocation, from handle: FileHandle) -> Provider {
        var remaining = member.dataRange.count
        return { _, size in
            guard remaining > 0 else { throw ReadEnd.pastMemberEnd }
            var piece = try handle.read(upToCount: min(size, remaining)) ?? Data()
            guard !piece.isEmpty else { throw ReadEnd.pastMemberEnd }
            remaining -= piece.count
            if piece.count < size { piece.append(Data(count: size - piece.count)) }
            return piece
        }
    }

    /// Why a member's read ended before ZIPFoundation finished it.
    private enum ReadEnd: Error {
        case stoppedByReader, pastDeclaredSize, pastMemberEnd
        /// `body` threw this error of its own.
        case readerFailed(Error)
    }

    /// `1.2 MB`, `312 bytes`: a size for messages, in decimal units.
    static func sizeDescription(_ bytes: Int) -> String {
        guard bytes >= 1000 else { return "\(bytes) bytes" }
        let units = ["kB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(bytes) / 1000, unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return String(format: "%.1f %@", value, units[unit])
    }

    private static func hex(_ value: UInt32) -> String { String(format: "%08x", value) }

    /// The CRC-32 of the bytes read so far, `running`, continued over `data`, by
    /// zlib's `crc32`: on Linux ZIPFoundation computes it with its own byte loop,
    /// which took 40% of opening ResNet50's `.keras` file (440 → 260 ms).
    private static func crc32(of data: Data, continuing running: CRC32) -> CRC32 {
        data.withUnsafeBytes { bytes in
            CRC32(CDeflate.crc32(UInt(running), bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt32(bytes.count)))
        }
    }
}

/// Builds a zip archive in memory (stored, uncompressed), as `numpy.savez` does.
public struct ZipBuilder {
    private let archive: Archive

    /// An empty archive.
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
