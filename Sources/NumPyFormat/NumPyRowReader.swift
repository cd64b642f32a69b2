import FileIO
import Foundation
import ModelGraph

/// Reads runs of rows (first-axis slices) of a C-order `.npy` file from disk as
/// Float, without loading the whole array: how a data set larger than memory
/// is streamed.
public final class NumPyRowReader {
    public let path: String
    /// The array's shape; its first axis is the rows.
    public let shape: [Int]
    /// Elements per row.
    public let rowElements: Int
    private let header: NumPyFile.Header
    private let handle: FileHandle

    /// Opens `path` and checks its header and size. Throws `FileError` for a file
    /// that is not a C-order `.npy`, declares no rows, or is shorter than its shape.
    public init(path: String) throws {
        let handle = try openRegularFile(path)
        // A header is at most 4 GiB in principle; NumPy writes a few hundred bytes. Read enough for any sane one.
        let prefix = [UInt8]((try? handle.read(upToCount: 1 << 20)) ?? Data())
        let header = try NumPyFile.parseHeader(prefix, name: path)
        guard !header.fortranOrder || header.shape.count < 2 else {
            try? handle.close()
            throw FileError(path, "is stored in Fortran order; rows can only be streamed from C order (save it with np.ascontiguousarray)")
        }
        guard let rows = header.shape.first else {
            try? handle.close()
            throw FileError(path, "holds a scalar, not rows of samples")
        }
        let rowElements = header.shape.dropFirst().reduce(1, *)
        let size = (try? handle.seekToEnd()).map(Int.init) ?? 0
        let needed = header.dataOffset + rows * rowElements * header.itemSize
        guard size >= needed else {
            try? handle.close()
            throw FileError(path, "is truncated: shape \(shapeDescription(header.shape)) needs \(needed) bytes, the file has \(size)")
        }
        self.path = path
        self.header = header
        self.handle = handle
        shape = header.shape
        self.rowElements = rowElements
    }

    deinit { try? handle.close() }

    /// The number of rows.
    public var rowCount: Int { shape[0] }

    /// Rows `range` as Float, row-major.
    public func floats(rows range: Range<Int>) throws -> [Float] {
        let rowBytes = rowElements * header.itemSize
        do {
            try handle.seek(toOffset: UInt64(header.dataOffset + range.lowerBound * rowBytes))
        } catch {
            throw FileError(path, "cannot be read at row \(range.lowerBound)")
        }
        let bytes = [UInt8]((try? handle.read(upToCount: range.count * rowBytes)) ?? Data())
        guard bytes.count == range.count * rowBytes else { throw FileError(path, "ended early, at row \(range.lowerBound)") }
        let count = range.count * rowElements
        return NumPyArray(shape: [count], storage: try NumPyFile.decodeElements(bytes[...], header: header, count: count, name: path)).floats
    }
}
