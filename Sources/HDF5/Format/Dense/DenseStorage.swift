/// Dense storage: where a new-style group keeps its links, and an object its
/// attributes, once there are too many (or too large) for its object header.
/// Each link or attribute message lies in a fractal heap, and a version-2
/// B-tree indexes them by name (record type 5 for links, 8 for attributes);
/// the tree's records hold the heap IDs. Attributes stored shared (in the
/// file's shared-message heap) are refused, as in object headers.
enum DenseStorage {
    /// The kind of name index, which says how its records are laid out.
    enum RecordType {
        /// Type 5: the name's hash (4 bytes), then a 7-byte heap ID.
        case linkName
        /// Type 8: an 8-byte heap ID, the message flags (1), the creation order (4) and the name's hash (4).
        case attributeName

        /// The version-2 B-tree record type.
        var treeType: UInt8 { self == .linkName ? 5 : 8 }
        /// The bytes of one record.
        var recordSize: Int { self == .linkName ? 11 : 17 }
        /// The bytes of the heap ID in each record, which the heap's own ID length must equal.
        var heapIDLength: Int { self == .linkName ? 7 : 8 }
    }

    /// Every object the name index lists, in name-hash order, each a cursor
    /// over the heap object's bytes (a link or attribute message body).
    static func objects(heapAddress: UInt64, nameIndexAddress: UInt64, recordType: RecordType, in source: HDF5Source, what: String) throws -> [ByteCursor] {
        let heap = try FractalHeap(at: heapAddress, in: source, what: what)
        guard heap.idLength == recordType.heapIDLength else {
            throw HDF5Error("corrupt file: fractal heap at address \(heapAddress) of \(what) has \(heap.idLength)-byte heap IDs where \(recordType.heapIDLength) were expected")
        }
        let index = try VersionTwoBTree(at: nameIndexAddress, type: recordType.treeType, in: source, what: "the name index of \(what)")
        guard index.recordSize == recordType.recordSize else {
            throw HDF5Error("corrupt file: version-2 B-tree at address \(nameIndexAddress) of the name index of \(what) has \(index.recordSize)-byte records where \(recordType.recordSize) were expected")
        }
        return try index.records(in: source).map { record in
            var cursor = record
            switch recordType {
            case .linkName:
                try cursor.skip(4)  // the name's hash
                return try heap.object(id: try cursor.subcursor(recordType.heapIDLength))
            case .attributeName:
                let id = try cursor.subcursor(recordType.heapIDLength)
                guard try cursor.uint8() & 0x02 == 0 else {
                    throw HDF5Error("one of \(what) is shared, which LayerLens does not read")
                }
                return try heap.object(id: id)
            }
        }
    }
}
