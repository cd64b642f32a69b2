import FileIO
import Foundation
import ZIPFoundation

/// One member of an archive written at test time: its name, its size and a
/// function giving its bytes `range`, so a large member is never held whole.
public struct ArchiveMember {
    public let name: String
    public let size: Int
    public let bytes: (Range<Int>) -> Data

    public init(name: String, size: Int, bytes: @escaping (Range<Int>) -> Data) {
        self.name = name
        self.size = size
        self.bytes = bytes
    }

    /// A member holding `data`.
    public init(name: String, data: Data) {
        self.init(name: name, size: data.count) { data.subdata(in: $0) }
    }
}

/// Writes `members` deflated (as `numpy.savez_compressed` does) into a new zip at `path`, streaming each.
public func writeDeflatedArchive(_ members: [ArchiveMember], to path: String) throws {
    try? FileManager.default.removeItem(atPath: path)
    let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
    for member in members {
        try archive.addEntry(with: member.name, type: .file, uncompressedSize: Int64(member.size),
                             compressionMethod: .deflate, bufferSize: 1 << 20) { position, size in
            member.bytes(Int(position)..<(Int(position) + size))
        }
    }
}

/// A copy of the archive at `path` with every member deflated, written into a
/// fresh temporary folder: the archive as `numpy.savez_compressed` would write it.
public func deflatedCopy(of path: String) throws -> String {
    let zip = try ZipFile(path: path)
    let copy = try Fixtures.temporaryFolder() + "/deflated_" + URL(fileURLWithPath: path).lastPathComponent
    try writeDeflatedArchive(try zip.entryNames.map { ArchiveMember(name: $0, data: try zip.contents(of: $0)) }, to: copy)
    return copy
}
