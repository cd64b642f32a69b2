/// A data layout message: where a dataset's elements are stored.
enum DataLayout {
    /// In the object header itself: the bytes of the message body.
    case compact(Range<Int>)
    /// In one run of the file; no address when never written, no size when the
    /// message gives none (versions 1 and 2: the shape and element size imply it).
    case contiguous(address: UInt64?, size: Int?)
    /// In chunks of equal shape, found through an index.
    case chunked(ChunkedLayout)

    init(_ cursor: inout ByteCursor, space: Dataspace) throws {
        let what = cursor.what
        let version = try cursor.uint8()
        switch version {
        case 1, 2:
            let dimensionality = Int(try cursor.uint8())
            let layoutClass = try cursor.uint8()
            try cursor.skip(5)
            let address = layoutClass == 0 ? nil : try cursor.address()
            guard dimensionality >= 1, dimensionality <= 33 else { throw HDF5Error("corrupt file: \(what) has \(dimensionality) layout dimensions") }
            var dimensions: [Int] = []
            for _ in 0..<dimensionality { dimensions.append(try cursor.count(width: 4, limit: Int(UInt32.max), "elements per chunk")) }
            switch layoutClass {
            case 0:
                let size = try cursor.count(width: 4, "compact bytes")
                self = .compact(try cursor.span(size))
            case 1:
                self = .contiguous(address: address, size: nil)
            case 2:
                self = .chunked(try ChunkedLayout(bTreeAddress: address, dimensions: dimensions, space: space, what: what))
            default:
                throw HDF5Error("corrupt file: \(what) has layout class \(layoutClass)")
            }
        case 3, 4:
            let layoutClass = try cursor.uint8()
            switch layoutClass {
            case 0:
                let size = Int(try cursor.uint16())
                self = .compact(try cursor.span(size))
            case 1:
                let address = try cursor.address()
                self = .contiguous(address: address, size: try cursor.length(limit: Int.max, "bytes"))
            case 2:
                self = .chunked(try ChunkedLayout(version: Int(version), cursor: &cursor, space: space))
            case 3:
                throw HDF5Error("\(what) maps its data from other files (virtual dataset); refused")
            default:
                throw HDF5Error("corrupt file: \(what) has layout class \(layoutClass)")
            }
        default:
            throw HDF5Error("corrupt file: \(what) has layout version \(version)")
        }
    }
}
