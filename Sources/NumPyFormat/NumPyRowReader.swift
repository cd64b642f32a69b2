import FileIO
import Foundation
import ModelGraph

/// Rows (first-axis slices) of an array read in order, run by run, as Float:
/// how a data set streams its samples without holding them all.
public protocol NumPyRowSource: AnyObject {
    /// The array's shape; its first axis is the rows.
    var shape: [Int] { get }

    /// Reads rows `range` in order, in consecutive runs (the run starting at row
    /// `start` ends at `runEnd(start)`), handing each run's rows to `body` as
    /// Float, row-major, until `body` returns false. Throws `FileError`.
    func forEachRun(of range: Range<Int>, runEnd: (Int) -> Int, _ body: (Range<Int>, [Float]) throws -> Bool) throws
}

/// Reads runs of rows (first-axis slices) of a C-order `.npy` file from disk as
/// Float, without loading the whole array: how a data set larger than memory
/// is streamed.
public final class NumPyRowReader: NumPyRowSource {
    /// The file, for messages.
    public let path: String
    public let shape: [Int]
    /// Elements per row.
    public let rowElements: Int
    private let header: NumPyFile.Header
    private let handle: FileHandle

    /// Opens `path` and checks its header and size. Throws `FileError` for a file
    /// that is not a C-order `.npy`, declares no rows, or is shorter than its shape.
    public init(path: String) throws {
        let handle = try openRegularFile(path)
        let prefix = [UInt8]((try? handle.read(upToCount: NumPyFile.headerReadLimit)) ?? Data())
        let header = try NumPyFile.parseHeader(prefix, name: path)
        guard !header.fortranOrder || header.shape.count < 2 else {
            try? handle.close()
            throw FileError(path, "is stored in Fortran order; rows can only be streamed from C order (save it with np.ascontiguousarray)")
        }
        guard !header.shape.isEmpty else {
            try? handle.close()
            throw FileError(path, "holds a scalar, not rows of samples")
        }
        let size = (try? handle.seekToEnd()).map(Int.init) ?? 0
        let needed = header.dataOffset + header.dataByteCount
        guard size >= needed else {
            try? handle.close()
            throw FileError(path, "is truncated: shape \(shapeDescription(header.shape)) needs \(needed) bytes, the file has \(size)")
        }
        self.path = path
        self.header = header
        self.handle = handle
        shape = header.shape
        rowElements = header.rowElements
    }

    deinit { try? handle.close() }

    /// The number of rows.
    public var rowCount: Int { shape[0] }

    /// Bytes read from the file at a time: a run of rows is read and decoded in
    /// pieces of about this size, so reading it takes little more than its floats.
    static let pieceBytes = 4 << 20

    /// Rows `range` as Float, row-major.
    public func floats(rows range: Range<Int>) throws -> [Float] {
        let rowBytes = rowElements * header.itemSize
        do {
            try handle.seek(toOffset: UInt64(header.dataOffset + range.lowerBound * rowBytes))
        } catch {
            throw FileError(path, "cannot be read at row \(range.lowerBound)")
        }
        let piece = max(1, Self.pieceBytes / max(1, rowBytes))
        var values: [Float] = []
        values.reserveCapacity(range.count * rowElements)
        for start in stride(from: range.lowerBound, to: range.upperBound, by: piece) {
            let count = min(piece, range.upperBound - start)
            let bytes = [UInt8]((try? handle.read(upToCount: count * rowBytes)) ?? Data())
            guard bytes.count == count * rowBytes else { throw FileError(path, "ended early, at row \(start)") }
            values += try NumPyFile.decodeFloats(bytes[...], header: header, count: count * rowElements, name: path)
        }
        return values
    }

    public func forEachRun(of range: Range<Int>, runEnd: (Int) -> Int, _ body: (Range<Int>, [Float]) throws -> Bool) throws {
        var start = range.lowerBound
        while start < range.upperBound {
            let end = runEnd(start)
            guard try body(start..<end, try floats(rows: start..<end)) else { return }
            start = end
        }
    }
}
