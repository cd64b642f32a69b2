/// The fixed array chunk index of layout version 4 (every dimension of fixed
/// maximum size): a header (`FAHD`) and one data block (`FADB`) holding an
/// entry per chunk, numbered in C order over the maximum shape; a block of
/// more entries than a page holds is split into checksummed pages, each
/// present only when its bit in the block's bitmap is set.
struct FixedArrayChunkIndex {
    let layout: ChunkedLayout
    let source: HDF5Source
    let what: String

    /// Calls `visit` with every chunk the array records.
    func visitChunks(headerAddress: UInt64, _ visit: (StoredChunk) throws -> Void) throws {
        let headerWhat = "fixed array header at address \(headerAddress) of \(what)"
        var header = try source.structure(at: headerAddress, signature: "FAHD", version: 0, what: headerWhat)
        let headerStart = header.start
        let clientID = try header.uint8()
        let entryBytes = Int(try header.uint8())
        let pageBits = Int(try header.uint8())
        let entryCount = try header.length(limit: source.bytes.count, "entries")
        let blockAddress = try header.address()
        try header.verifyChecksum(from: headerStart)
        let filtered = clientID == 1
        guard clientID <= 1, entryBytes == layout.arrayEntryBytes(filtered: filtered, sizes: source.sizes), pageBits < 32 else {
            throw HDF5Error("corrupt file: \(headerWhat) has client \(clientID), \(entryBytes)-byte entries and \(pageBits) page bits")
        }
        guard let blockAddress else { return }  // no chunk written
        let numbering = try ChunkNumbering(grid: layout.grid, unlimitedDimension: nil, what: what)

        let blockWhat = "fixed array data block at address \(blockAddress) of \(what)"
        var block = try source.cursor(at: blockAddress, what: blockWhat)
        let blockStart = block.position
        try block.signature("FADB")
        guard try block.uint8() == 0, try block.uint8() == clientID, try block.address() == headerAddress else {
            throw HDF5Error("corrupt file: \(blockWhat) does not belong to its header")
        }
        let pageEntries = 1 << pageBits
        guard entryCount > pageEntries else {
            try block.require(entryCount * entryBytes)
            for number in 0..<entryCount {
                if let chunk = try layout.readArrayEntry(&block, filtered: filtered, position: { numbering.position(of: number) }) {
                    try visit(chunk)
                }
            }
            try block.verifyChecksum(from: blockStart)
            return
        }
        let pageCount = (entryCount + pageEntries - 1) / pageEntries
        let bitmap = try block.copy((pageCount + 7) / 8)
        try block.verifyChecksum(from: blockStart)
        // The pages follow the block's checksum, each its entries and a checksum; a full page's size apart.
        let pageBytes = pageEntries * entryBytes + 4
        for page in 0..<pageCount where bitmap[page / 8] & (0x80 >> UInt8(page % 8)) != 0 {
            let first = page * pageEntries
            let count = min(pageEntries, entryCount - first)
            let pageWhat = "page \(page) of \(blockWhat)"
            var cursor = try source.cursor(over: block.position..<block.end, what: pageWhat)
            try cursor.skip(page * pageBytes)
            var entries = try cursor.subcursor(count * entryBytes + 4, what: pageWhat)
            for number in first..<(first + count) {
                if let chunk = try layout.readArrayEntry(&entries, filtered: filtered, position: { numbering.position(of: number) }) {
                    try visit(chunk)
                }
            }
            try entries.verifyChecksum(from: entries.start)
        }
    }
}
