/// A filter pipeline message: the filters a chunked dataset's chunks pass
/// through when written, in order (they are undone in reverse when read).
struct FilterPipeline {
    /// One filter: its HDF5 id, whether it may be skipped, and its client values.
    struct Filter {
        let id: Int
        let isOptional: Bool
        let values: [UInt32]
    }

    let filters: [Filter]

    /// The filters Keras (through h5py) may write, each built into HDF5: any
    /// other would have libhdf5 look for a plugin, and LayerLens refuses it.
    static let knownFilters = [1: "deflate", 2: "shuffle", 3: "Fletcher32"]

    init(_ cursor: inout ByteCursor) throws {
        let version = try cursor.uint8()
        let count = Int(try cursor.uint8())
        guard version == 1 || version == 2, count <= 32 else {
            throw HDF5Error("corrupt file: \(cursor.what) has filter pipeline version \(version) with \(count) filters")
        }
        if version == 1 { try cursor.skip(6) }
        var filters: [Filter] = []
        for _ in 0..<count {
            let id = Int(try cursor.uint16())
            let nameLength = version == 1 || id >= 256 ? Int(try cursor.uint16()) : 0
            let flags = try cursor.uint16()
            let valueCount = Int(try cursor.uint16())
            try cursor.skip(version == 1 ? (nameLength + 7) / 8 * 8 : nameLength)
            var values: [UInt32] = []
            for _ in 0..<valueCount { values.append(try cursor.uint32()) }
            if version == 1, valueCount % 2 == 1 { try cursor.skip(4) }
            filters.append(Filter(id: id, isOptional: flags & 0x01 != 0, values: values))
        }
        self.filters = filters
    }
}

/// The fill value of a dataset: what HDF5 returns for elements never written.
enum FillValue {
    /// The bytes of one element's fill value, or nil for zeros (HDF5's default).
    static func read(_ cursor: inout ByteCursor, type: UInt16) throws -> [UInt8]? {
        if type == HeaderMessage.Kind.fillValueOld {
            let size = try cursor.count(width: 4, limit: 1 << 20, "fill value bytes")
            return size == 0 ? nil : try cursor.copy(size)
        }
        let version = try cursor.uint8()
        switch version {
        case 1, 2:
            try cursor.skip(2)  // allocation and write times
            guard try cursor.uint8() != 0 else { return nil }
            if version == 2 && cursor.remaining < 4 { return nil }
        case 3:
            let flags = try cursor.uint8()
            guard flags & 0x20 != 0 else { return nil }
        default:
            throw HDF5Error("corrupt file: \(cursor.what) has fill value version \(version)")
        }
        let size = try cursor.count(width: 4, limit: 1 << 20, "fill value bytes")
        return size == 0 ? nil : try cursor.copy(size)
    }
}
