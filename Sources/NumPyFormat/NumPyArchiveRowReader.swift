import FileIO
import Foundation
import ModelGraph

/// Reads runs of rows (first-axis slices) of a C-order `.npy` member of an
/// `.npz` as Float, inflating the member as it goes: the header from the start
/// of the member's stream, then one run of rows at a time, so an array larger
/// than memory is streamed like a `.npy` file.
public final class NumPyArchiveRowReader: NumPyRowSource {
    /// The archive and member, for messages: `data.npz [x]`.
    public let name: String
    public let shape: [Int]
    /// Elements per row.
    public let rowElements: Int
    private let archive: ZipFile
    private let member: String
    private let header: NumPyFile.Header

    /// Reads the header of array `key` (member `key.npy`) of `archive` and checks
    /// that its declared size holds the shape. Throws `FileError` for a member that
    /// is missing, not a C-order `.npy`, a scalar, or shorter than its shape.
    public init(archive: ZipFile, key: String) throws {
        name = "\(archive.path) [\(key)]"
        member = key + ".npy"
        let location = try archive.member(member)
        var prefix: [UInt8] = []
        try archive.read(member) { piece in
            prefix += piece
            return prefix.count < NumPyFile.headerReadLimit
        }
        header = try NumPyFile.parseHeader(prefix, name: name)
        guard !header.fortranOrder || header.shape.count < 2 else {
            throw FileError(name, "is stored in Fortran order; rows can only be streamed from C order (save it with np.ascontiguousarray)")
        }
        guard !header.shape.isEmpty else { throw FileError(name, "holds a scalar, not rows of samples") }
        let needed = header.dataOffset + header.dataByteCount
        guard location.uncompressedSize >= needed else {
            throw FileError(name, "is truncated: shape \(shapeDescription(header.shape)) needs \(needed) bytes, the member declares \(location.uncompressedSize)")
        }
        self.archive = archive
        shape = header.shape
        rowElements = header.rowElements
    }

    /// The number of rows.
    public var rowCount: Int { shape[0] }

    /// Inflates the member from its start, skipping the rows before `range`, and
    /// holds one run of rows at a time. When `range` reaches the last row the
    /// member is inflated to its end, so its size and CRC-32 are checked.
    public func forEachRun(of range: Range<Int>, runEnd: (Int) -> Int, _ body: (Range<Int>, [Float]) throws -> Bool) throws {
        let rowBytes = rowElements * header.itemSize
        var start = range.lowerBound, end = range.isEmpty ? start : runEnd(start)
        var skip = header.dataOffset + start * rowBytes
        // The current run's bytes, `filled` of them read so far.
        var run = [UInt8](repeating: 0, count: (end - start) * rowBytes), filled = 0
        var finished = range.isEmpty, stopped = false
        /// Hands on every complete run; sets `finished` when no more rows are wanted.
        func handOnCompleteRuns() throws {
            while !finished, filled == run.count {
                let floats = try NumPyFile.decodeFloats(run[...], header: header, count: (end - start) * rowElements, name: name)
                stopped = try !body(start..<end, floats)
                start = end
                finished = stopped || start == range.upperBound
                guard !finished else { return }
                end = runEnd(start)
                if run.count != (end - start) * rowBytes { run = [UInt8](repeating: 0, count: (end - start) * rowBytes) }
                filled = 0
            }
        }
        try handOnCompleteRuns()
        guard !finished else { return }
        try archive.read(member) { piece in
            var piece = piece
            if skip > 0 {
                let skipped = min(skip, piece.count)
                skip -= skipped
                piece = UnsafeRawBufferPointer(rebasing: piece[skipped...])
            }
            while !finished, !piece.isEmpty {
                let taken = min(piece.count, run.count - filled)
                run.withUnsafeMutableBytes { bytes in
                    UnsafeMutableRawBufferPointer(rebasing: bytes[filled..<(filled + taken)]).copyMemory(from: UnsafeRawBufferPointer(rebasing: piece[..<taken]))
                }
                filled += taken
                piece = UnsafeRawBufferPointer(rebasing: piece[taken...])
                try handOnCompleteRuns()
            }
            return !finished || (!stopped && range.upperBound == rowCount)
        }
        guard finished else { throw FileError(name, "ended early, at row \(start)") }
    }
}
