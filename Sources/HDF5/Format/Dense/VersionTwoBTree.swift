/// A version-2 B-tree (`BTHD` header, `BTIN` internal nodes, `BTLF` leaves):
/// fixed-size records of one type, kept in key order. The whole tree is walked
/// and every record handed back undecoded, as a cursor over its bytes in the
/// file, so each user decodes its own type: link names (5), attribute names
/// (8), huge fractal heap objects (1), dataset chunks (10, 11).
///
/// Every node is checksummed, each is read once (a tree that reaches a node
/// twice is refused), no node may hold more records than fit its size, and
/// the records found must be the number the header states.
struct VersionTwoBTree {
    /// The record type every node must carry.
    let type: UInt8
    /// The bytes of one record.
    let recordSize: Int
    /// The header's address, and what the tree indexes, for messages.
    let address: UInt64
    let what: String
    /// The bytes of every node.
    private let nodeSize: Int
    /// The root node: its address (nil in an empty tree), level (0 for a leaf) and record count.
    private let root: UInt64?
    private let rootLevel: Int
    private let rootRecordCount: Int
    /// The records the header says the whole tree holds.
    private let totalRecordCount: Int
    /// Per level (0 = leaves): the most records a node there holds, and the
    /// width of the "records below" field of a pointer to a node there (0 for leaves).
    private let levels: [(maxRecords: Int, totalCountWidth: Int)]
    /// The width of a child pointer's record count (the leaves' capacity decides it).
    private let recordCountWidth: Int

    /// The deepest tree read: HDF5 never writes one nearly this deep (four
    /// levels of 512-byte nodes already hold millions of records).
    static let depthLimit = 16
    /// The bytes a node spends on its signature, version, type and checksum.
    private static let nodeOverhead = 4 + 1 + 1 + 4

    /// Reads the header at `address`, refused unless its records are of `type`.
    init(at address: UInt64, type: UInt8, in source: HDF5Source, what: String) throws {
        let description = "version-2 B-tree at address \(address) of \(what)"
        var cursor = try source.structure(at: address, signature: "BTHD", version: 0, what: description)
        let start = cursor.start
        let foundType = try cursor.uint8()
        guard foundType == type else {
            throw HDF5Error("corrupt file: \(description) holds records of type \(foundType) where type \(type) was expected")
        }
        nodeSize = try cursor.count(width: 4, limit: source.bytes.count, "node bytes")
        recordSize = try cursor.count(width: 2, "record bytes")
        rootLevel = try cursor.count(width: 2, limit: Self.depthLimit, "levels")
        try cursor.skip(2)  // the split and merge percentages, which only writers use
        root = try cursor.address()
        rootRecordCount = try cursor.count(width: 2, "records in the root")
        totalRecordCount = try cursor.length(limit: source.bytes.count, "records")
        try cursor.verifyChecksum(from: start)
        self.type = type
        self.address = address
        self.what = what

        guard recordSize > 0, nodeSize > Self.nodeOverhead, (nodeSize - Self.nodeOverhead) / recordSize >= 1 else {
            throw HDF5Error("corrupt file: \(description) has \(nodeSize)-byte nodes, too small for its \(recordSize)-byte records")
        }
        let leafCapacity = (nodeSize - Self.nodeOverhead) / recordSize
        recordCountWidth = FieldSizes.width(toCount: UInt64(leafCapacity))
        var levels = [(maxRecords: leafCapacity, totalCountWidth: 0)]
        var recordsBelow = UInt64(leafCapacity)
        for level in 0..<rootLevel {
            let pointerSize = source.sizes.offset + recordCountWidth + levels[level].totalCountWidth
            let room = nodeSize - Self.nodeOverhead - pointerSize
            guard room >= recordSize + pointerSize else {
                throw HDF5Error("corrupt file: \(description) has \(nodeSize)-byte nodes, too small for an internal node of \(recordSize)-byte records")
            }
            let capacity = room / (recordSize + pointerSize)
            let (product, overflows) = UInt64(capacity + 1).multipliedReportingOverflow(by: recordsBelow)
            let (total, overflowsAgain) = product.addingReportingOverflow(UInt64(capacity))
            guard !overflows, !overflowsAgain else {
                throw HDF5Error("corrupt file: \(description) is \(rootLevel) levels deep, more than any record count can reach")
            }
            recordsBelow = total
            levels.append((maxRecords: capacity, totalCountWidth: FieldSizes.width(toCount: total)))
        }
        self.levels = levels
    }

    /// Every record of the tree, in key order, each a cursor over its bytes in the file.
    func records(in source: HDF5Source) throws -> [ByteCursor] {
        guard let root else {
            guard totalRecordCount == 0 else {
                throw HDF5Error("corrupt file: version-2 B-tree at address \(address) of \(what) has no root but \(totalRecordCount) records")
            }
            return []
        }
        var records: [ByteCursor] = []
        var visited: Set<UInt64> = []
        try collect(node: root, level: rootLevel, recordCount: rootRecordCount, source: source, visited: &visited, into: &records)
        guard records.count == totalRecordCount else {
            throw HDF5Error("corrupt file: version-2 B-tree at address \(address) of \(what) holds \(records.count) records where its header says \(totalRecordCount)")
        }
        return records
    }

    /// Appends the records of the node at `address` (on `level`, holding
    /// `recordCount` records, as its parent says) and of every node below it.
    private func collect(node address: UInt64, level: Int, recordCount: Int, source: HDF5Source,
                         visited: inout Set<UInt64>, into records: inout [ByteCursor]) throws {
        let description = "version-2 B-tree node at address \(address) of \(what)"
        guard visited.insert(address).inserted else { throw HDF5Error("corrupt file: \(description) is reached twice (the tree loops)") }
        guard level >= 0, level < levels.count, recordCount <= levels[level].maxRecords else {
            throw HDF5Error("corrupt file: \(description) declares \(recordCount) records, more than its \(nodeSize) bytes hold")
        }
        guard records.count + recordCount <= totalRecordCount else {
            throw HDF5Error("corrupt file: \(description) holds more records than its tree's header says (\(totalRecordCount))")
        }
        var cursor = try source.cursor(at: address, count: nodeSize, what: description)
        let start = cursor.position
        try cursor.signature(level == 0 ? "BTLF" : "BTIN")
        guard try cursor.uint8() == 0 else { throw HDF5Error("corrupt file: \(description) has an unknown version") }
        guard try cursor.uint8() == type else { throw HDF5Error("corrupt file: \(description) is not of its tree's record type \(type)") }
        var recordBytes = try cursor.subcursor(recordCount * recordSize, what: "a record of \(description)")
        guard level > 0 else {
            try cursor.verifyChecksum(from: start)
            for _ in 0..<recordCount { records.append(try recordBytes.subcursor(recordSize)) }
            return
        }
        // An internal node: its records, then one more child pointer than records.
        var children: [(address: UInt64, recordCount: Int)] = []
        for _ in 0...recordCount {
            guard let child = try cursor.address() else { throw HDF5Error("corrupt file: \(description) has an undefined child") }
            let childRecords = try cursor.count(width: recordCountWidth, "records in a child")
            try cursor.skip(levels[level - 1].totalCountWidth)  // the records below the child, which the walk counts itself
            children.append((child, childRecords))
        }
        try cursor.verifyChecksum(from: start)
        for (index, child) in children.enumerated() {
            try collect(node: child.address, level: level - 1, recordCount: child.recordCount, source: source, visited: &visited, into: &records)
            if index < recordCount { records.append(try recordBytes.subcursor(recordSize)) }
        }
    }
}
