/// A fractal heap (`FRHP`): variable-size objects (link or attribute messages
/// of dense storage) named by heap IDs. An ID says how to find its object:
/// - managed: an offset and length in the heap's address space, which a
///   doubling table of direct blocks (`FHDB`, holding the objects) and indirect
///   blocks (`FHIB`, pointing at more blocks) maps to the file;
/// - tiny: the object's bytes lie in the ID itself;
/// - huge: the object lies on its own in the file, at an address and length
///   the ID holds, or that a version-2 B-tree (record type 1) gives for the ID's number.
///
/// Heaps whose blocks pass through I/O filters (compression) are refused.
/// Every block's checksum is verified, each block's header must name this heap
/// and the heap offset its parent gives it, and every object must lie inside
/// its block; the objects are handed back as cursors over the file's bytes.
final class FractalHeap {
    /// The header's address, and what the heap holds, for messages.
    let address: UInt64
    let what: String
    /// The length of the IDs that point into this heap.
    let idLength: Int

    private let source: HDF5Source
    private let table: DoublingTable
    /// Whether direct blocks carry a checksum (header flag bit 1).
    private let checksumsDirectBlocks: Bool
    /// The root block: a direct block when `rootRows` is 0, else an indirect block of that many rows.
    private let rootAddress: UInt64?
    private let rootRows: Int
    /// The widths of a managed object's offset and length in a heap ID (and of a block's heap offset).
    private let offsetWidth: Int
    private let lengthWidth: Int
    /// The version-2 B-tree that finds huge objects by their ID's number, when there is one.
    private let hugeObjectIndex: UInt64?
    /// Blocks whose checksum was verified, by address and size: each is checked once.
    private var verifiedBlocks: Set<BlockPlace> = []
    /// Huge objects by ID number (address and length), read from their B-tree when first needed.
    private var hugeObjects: [UInt64: (address: UInt64, length: Int)]?

    /// A block's address and size, the key of `verifiedBlocks`.
    private struct BlockPlace: Hashable {
        let address: UInt64
        let size: Int
    }

    /// Indirect blocks nested deeper than this are refused; rows shrink at each level, so a heap never nears it.
    static let nestingLimit = 64

    /// Reads the header at `address`.
    init(at address: UInt64, in source: HDF5Source, what: String) throws {
        let description = "fractal heap at address \(address) of \(what)"
        var cursor = try source.structure(at: address, signature: "FRHP", version: 0, what: description)
        let start = cursor.start
        idLength = try cursor.count(width: 2, "heap ID bytes")
        guard try cursor.uint16() == 0 else {
            throw HDF5Error("\(description) passes its blocks through I/O filters (compressed dense storage), which LayerLens does not read")
        }
        let flags = try cursor.uint8()
        let maxManagedObjectSize = UInt64(try cursor.uint32())
        try cursor.skip(source.sizes.length)  // the next huge object ID, which only writers use
        hugeObjectIndex = try cursor.address()
        try cursor.skip(source.sizes.length + source.sizes.offset)  // free space, and its manager
        try cursor.skip(8 * source.sizes.length)  // statistics: sizes and counts of managed, huge and tiny objects
        let width = try cursor.count(width: 2, "table columns")
        let startingBlockSize = try cursor.length()
        let maxDirectBlockSize = try cursor.length()
        let maxHeapBits = try cursor.count(width: 2, "bits of heap offsets")
        try cursor.skip(2)  // the root indirect block's starting rows, which only writers use
        rootAddress = try cursor.address()
        rootRows = try cursor.count(width: 2, "root rows")
        try cursor.verifyChecksum(from: start)

        table = try DoublingTable(width: width, startingBlockSize: startingBlockSize, maxDirectBlockSize: maxDirectBlockSize,
                                  maxHeapBits: maxHeapBits, what: description)
        guard rootRows <= table.maxRootRows else {
            throw HDF5Error("corrupt file: \(description) has \(rootRows) root rows, more than its \(table.maxRootRows)")
        }
        guard idLength >= 1, maxManagedObjectSize > 0 else {
            throw HDF5Error("corrupt file: \(description) has \(idLength)-byte heap IDs and managed objects of at most \(maxManagedObjectSize) bytes")
        }
        self.address = address
        self.what = what
        self.source = source
        checksumsDirectBlocks = flags & 0x02 != 0
        offsetWidth = (maxHeapBits + 7) / 8
        lengthWidth = min((table.maxDirectBits + 7) / 8, FieldSizes.width(toCount: maxManagedObjectSize))
    }

    /// The object that heap ID `id` names, as a cursor over its bytes in the file.
    func object(id: ByteCursor) throws -> ByteCursor {
        var cursor = id
        let flags = try cursor.uint8()
        guard flags & 0xC0 == 0 else { throw HDF5Error("corrupt file: a heap ID of \(describedHeap) has an unknown version") }
        switch (flags >> 4) & 0x03 {
        case 0:
            let offset = try cursor.unsigned(width: offsetWidth)
            let length = try cursor.count(width: lengthWidth, limit: table.maxDirectBlockSize, "object bytes")
            return try managedObject(offset: offset, length: length)
        case 1:
            return try hugeObject(id: &cursor)
        case 2:
            // Up to 16 bytes' length fits the flag byte's low 4 bits; longer IDs spend a second byte on it.
            let length = idLength - 1 > 17 ? (Int(flags & 0x0F) << 8 | Int(try cursor.uint8())) + 1 : Int(flags & 0x0F) + 1
            return try cursor.subcursor(length, what: "a tiny object in a heap ID of \(describedHeap)")
        default:
            throw HDF5Error("corrupt file: a heap ID of \(describedHeap) is of an unknown kind")
        }
    }

    /// The heap, for messages.
    private var describedHeap: String { "fractal heap at address \(address) of \(what)" }

    /// The managed object of `length` bytes at heap offset `offset`: the
    /// indirect blocks are followed down to the direct block that holds it.
    private func managedObject(offset: UInt64, length: Int) throws -> ByteCursor {
        guard length > 0 else { throw HDF5Error("corrupt file: an empty object is named in \(describedHeap)") }
        guard let rootAddress else { throw HDF5Error("corrupt file: \(describedHeap) has no blocks, but an object at heap offset \(offset)") }
        guard rootRows > 0 else {
            return try object(offset: offset, length: length, inDirectBlockAt: rootAddress, heapOffset: 0, size: table.startingBlockSize)
        }
        var blockAddress = rootAddress, blockOffset: UInt64 = 0, rows = rootRows
        for _ in 0..<Self.nestingLimit {
            let (row, column) = table.position(of: offset - blockOffset)
            guard row < rows else {
                throw HDF5Error("corrupt file: an object at heap offset \(offset) lies past the indirect block at address \(blockAddress) of \(describedHeap)")
            }
            guard let child = try childAddress(row: row, column: column, inIndirectBlockAt: blockAddress, heapOffset: blockOffset, rows: rows) else {
                throw HDF5Error("corrupt file: an object at heap offset \(offset) lies in a block \(describedHeap) never wrote")
            }
            let (childOffset, overflows) = blockOffset.addingReportingOverflow(table.offset(row: row, column: column))
            guard !overflows else { throw HDF5Error("corrupt file: the indirect block at address \(blockAddress) of \(describedHeap) lies past the heap's end") }
            if row < table.maxDirectRows {
                return try object(offset: offset, length: length, inDirectBlockAt: child, heapOffset: childOffset, size: table.directBlockSize(row: row))
            }
            rows = try table.rows(ofIndirectBlockInRow: row)
            blockAddress = child
            blockOffset = childOffset
        }
        throw HDF5Error("corrupt file: \(describedHeap) nests indirect blocks deeper than \(Self.nestingLimit) levels")
    }

    /// The address of the child block in `row` and `column` of the indirect
    /// block at `address` (which must start at `heapOffset` and have `rows` rows), or nil when never written.
    private func childAddress(row: Int, column: Int, inIndirectBlockAt address: UInt64, heapOffset: UInt64, rows: Int) throws -> UInt64? {
        let description = "fractal heap indirect block at address \(address) of \(what)"
        let entries = rows * table.width
        let size = 4 + 1 + source.sizes.offset + offsetWidth + entries * source.sizes.offset + 4
        var cursor = try source.cursor(at: address, count: size, what: description)
        let start = cursor.position
        try readBlockPrefix(&cursor, signature: "FHIB", heapOffset: heapOffset, description: description)
        let firstEntry = cursor.position
        let place = BlockPlace(address: address, size: size)
        if !verifiedBlocks.contains(place) {
            try cursor.skip(entries * source.sizes.offset)
            try cursor.verifyChecksum(from: start)
            verifiedBlocks.insert(place)
        }
        try cursor.seek(to: firstEntry + (row * table.width + column) * source.sizes.offset)
        return try cursor.address()
    }

    /// The object of `length` bytes at heap offset `offset`, in the direct
    /// block of `size` bytes at `address`, which must start at `heapOffset`.
    private func object(offset: UInt64, length: Int, inDirectBlockAt address: UInt64, heapOffset: UInt64, size: Int) throws -> ByteCursor {
        let description = "fractal heap direct block at address \(address) of \(what)"
        var cursor = try source.cursor(at: address, count: size, what: description)
        let start = cursor.position
        try readBlockPrefix(&cursor, signature: "FHDB", heapOffset: heapOffset, description: description)
        if checksumsDirectBlocks {
            let checksumIndex = cursor.position
            let stored = try cursor.uint32()
            let place = BlockPlace(address: address, size: size)
            if !verifiedBlocks.contains(place) {
                // The checksum covers the whole block, its own 4 bytes taken as zero.
                var block = Array(cursor.bytes[start..<cursor.end])
                block.replaceSubrange((checksumIndex - start)..<(checksumIndex - start + 4), with: [0, 0, 0, 0])
                guard block.withUnsafeBytes({ lookup3Checksum($0) }) == stored else {
                    throw HDF5Error("corrupt file: \(description) fails its checksum")
                }
                verifiedBlocks.insert(place)
            }
        }
        let headerSize = UInt64(cursor.position - start)
        let within = offset - heapOffset
        guard within >= headerSize, within < UInt64(size), UInt64(length) <= UInt64(size) - within else {
            throw HDF5Error("corrupt file: an object at heap offset \(offset) (\(length) bytes) does not lie inside \(description)")
        }
        let objectStart = start + Int(within)
        return try source.cursor(over: objectStart..<(objectStart + length), what: "an object at heap offset \(offset) of \(describedHeap)")
    }

    /// Reads a block's signature, version, heap header address and heap
    /// offset, refusing a block of another heap or of another place in this one.
    private func readBlockPrefix(_ cursor: inout ByteCursor, signature: String, heapOffset: UInt64, description: String) throws {
        try cursor.signature(signature)
        guard try cursor.uint8() == 0 else { throw HDF5Error("corrupt file: \(description) has an unknown version") }
        guard try cursor.address() == address else { throw HDF5Error("corrupt file: \(description) belongs to another heap") }
        let foundOffset = try cursor.unsigned(width: offsetWidth)
        guard foundOffset == heapOffset else {
            throw HDF5Error("corrupt file: \(description) says it starts at heap offset \(foundOffset), where its parent puts it at \(heapOffset)")
        }
    }

    /// The huge object named by the rest of a heap ID: its address and length,
    /// when the ID has room for them, else its number, looked up in the heap's huge-object B-tree.
    private func hugeObject(id cursor: inout ByteCursor) throws -> ByteCursor {
        let objectWhat = "a huge object of \(describedHeap)"
        if idLength - 1 >= source.sizes.offset + source.sizes.length {
            guard let objectAddress = try cursor.address() else { throw HDF5Error("corrupt file: \(objectWhat) lies at an undefined address") }
            return try source.cursor(at: objectAddress, count: try cursor.length(limit: source.bytes.count, "object bytes"), what: objectWhat)
        }
        let number = try cursor.unsigned(width: min(idLength - 1, 8))
        guard let found = try hugeObjectTable()[number] else {
            throw HDF5Error("corrupt file: \(describedHeap) names huge object \(number), which its B-tree does not list")
        }
        return try source.cursor(at: found.address, count: found.length, what: objectWhat)
    }

    /// Every huge object by number, from the heap's huge-object B-tree (records
    /// of type 1: address, length, number), read once.
    private func hugeObjectTable() throws -> [UInt64: (address: UInt64, length: Int)] {
        if let hugeObjects { return hugeObjects }
        guard let hugeObjectIndex else { throw HDF5Error("corrupt file: \(describedHeap) names a huge object but has no B-tree of them") }
        let tree = try VersionTwoBTree(at: hugeObjectIndex, type: 1, in: source, what: "the huge objects of \(describedHeap)")
        guard tree.recordSize == source.sizes.offset + 2 * source.sizes.length else {
            throw HDF5Error("corrupt file: version-2 B-tree at address \(hugeObjectIndex) of the huge objects of \(describedHeap) has \(tree.recordSize)-byte records")
        }
        var table: [UInt64: (address: UInt64, length: Int)] = [:]
        for var record in try tree.records(in: source) {
            guard let objectAddress = try record.address() else { throw HDF5Error("corrupt file: a huge object of \(describedHeap) lies at an undefined address") }
            let length = try record.length(limit: source.bytes.count, "object bytes")
            let number = try record.length()
            guard table.updateValue((objectAddress, length), forKey: number) == nil else {
                throw HDF5Error("corrupt file: \(describedHeap) lists huge object \(number) twice")
            }
        }
        hugeObjects = table
        return table
    }
}

/// The doubling table of a fractal heap's managed space: rows of `width`
/// blocks each, the first two rows of the starting size, each later row twice
/// the size of the one before. Rows up to `maxDirectRows` are direct blocks,
/// later ones indirect blocks, each itself a doubling table of fewer rows.
struct DoublingTable {
    /// Blocks per row (a power of two).
    let width: Int
    /// The first rows' block size, and the largest direct block (powers of two, in bytes).
    let startingBlockSize: Int
    let maxDirectBlockSize: Int
    /// log2 of the largest direct block.
    let maxDirectBits: Int
    /// The rows of direct blocks, and the most rows a root indirect block may have.
    let maxDirectRows: Int
    let maxRootRows: Int
    /// log2 of the bytes the first row spans (`width` starting-size blocks).
    private let firstRowBits: Int

    /// The largest direct block read: HDF5 writes 64 KiB ones by default.
    static let directBlockLimit: UInt64 = 1 << 32

    /// The table a heap header describes, refused unless its sizes are powers
    /// of two that fit together (and fit 64-bit heap offsets); `what` names the heap for messages.
    init(width: Int, startingBlockSize: UInt64, maxDirectBlockSize: UInt64, maxHeapBits: Int, what: String) throws {
        func isPowerOfTwo(_ value: UInt64) -> Bool { value != 0 && value & (value - 1) == 0 }
        guard isPowerOfTwo(UInt64(width)), isPowerOfTwo(startingBlockSize), isPowerOfTwo(maxDirectBlockSize),
              startingBlockSize <= maxDirectBlockSize, maxDirectBlockSize <= Self.directBlockLimit else {
            throw HDF5Error("corrupt file: \(what) has a doubling table of \(width) columns, \(startingBlockSize)-byte first blocks and \(maxDirectBlockSize)-byte largest direct blocks")
        }
        let startBits = startingBlockSize.trailingZeroBitCount
        maxDirectBits = maxDirectBlockSize.trailingZeroBitCount
        firstRowBits = startBits + width.trailingZeroBitCount
        guard maxHeapBits <= 64, maxHeapBits >= maxDirectBits, maxHeapBits >= firstRowBits else {
            throw HDF5Error("corrupt file: \(what) has \(maxHeapBits)-bit heap offsets, which its doubling table cannot use")
        }
        self.width = width
        self.startingBlockSize = Int(startingBlockSize)
        self.maxDirectBlockSize = Int(maxDirectBlockSize)
        maxDirectRows = maxDirectBits - startBits + 2
        maxRootRows = maxHeapBits - firstRowBits + 1
    }

    /// The size of each direct block in `row` (below `maxDirectRows`, so at most `maxDirectBlockSize`).
    func directBlockSize(row: Int) -> Int {
        row == 0 ? startingBlockSize : startingBlockSize << (row - 1)
    }

    /// The heap offset, from the start of its indirect block, of the block in
    /// `row` (below `maxRootRows`) and `column` (below `width`): under 2^64, as
    /// heap offsets have at most 64 bits.
    func offset(row: Int, column: Int) -> UInt64 {
        guard row > 0 else { return UInt64(column * startingBlockSize) }
        let rowStart = UInt64(width * startingBlockSize) << (row - 1)
        return rowStart + UInt64(column) * (UInt64(startingBlockSize) << (row - 1))
    }

    /// The row and column of the block holding `offset` (from the start of its indirect block); the column is below `width`.
    func position(of offset: UInt64) -> (row: Int, column: Int) {
        if offset < UInt64(width * startingBlockSize) { return (0, Int(offset / UInt64(startingBlockSize))) }
        let highBit = 63 - offset.leadingZeroBitCount
        let row = highBit - firstRowBits + 1
        // The offset's high bit is the row's start, and the row's blocks are 2^highBit / width bytes each.
        return (row, Int((offset - (UInt64(1) << highBit)) >> (highBit - width.trailingZeroBitCount)))
    }

    /// The rows of the indirect block in `row` of its parent (a row of indirect blocks).
    func rows(ofIndirectBlockInRow row: Int) throws -> Int {
        let rows = row - width.trailingZeroBitCount
        guard rows >= 1 else { throw HDF5Error("corrupt file: a fractal heap has an indirect block in its row \(row), too small to hold any block") }
        return rows
    }
}
