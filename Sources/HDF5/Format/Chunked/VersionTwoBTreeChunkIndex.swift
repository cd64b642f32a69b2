/// The version-2 B-tree chunk index of layout version 4 (several unlimited
/// dimensions): a tree (read by `VersionTwoBTree`) whose records are a chunk's
/// address, then, for filtered chunks (record type 11 rather than 10), its
/// stored size and filter mask, then its position in the chunk grid.
struct VersionTwoBTreeChunkIndex {
    let layout: ChunkedLayout
    let source: HDF5Source
    let what: String

    /// The record types of unfiltered and filtered chunks.
    static let unfilteredRecordType: UInt8 = 10, filteredRecordType: UInt8 = 11

    /// Calls `visit` with every chunk the tree records.
    func visitChunks(headerAddress: UInt64, _ visit: (StoredChunk) throws -> Void) throws {
        // The header's record type (after signature and version) says whether the chunks are filtered.
        var peek = try source.cursor(at: headerAddress, count: 6, what: "version-2 B-tree at address \(headerAddress) of \(what)")
        try peek.skip(5)
        let filtered = try peek.uint8() == Self.filteredRecordType
        let tree = try VersionTwoBTree(at: headerAddress, type: filtered ? Self.filteredRecordType : Self.unfilteredRecordType,
                                       in: source, what: what)
        let rank = layout.chunkShape.count
        let recordSize = source.sizes.offset + (filtered ? layout.filteredSizeWidth + 4 : 0) + 8 * rank
        guard tree.recordSize == recordSize else {
            throw HDF5Error("corrupt file: the chunk B-tree of \(what) has \(tree.recordSize)-byte records, not \(recordSize)")
        }
        for var record in try tree.records(in: source) {
            guard let address = try record.address() else {
                throw HDF5Error("corrupt file: the chunk B-tree of \(what) records a chunk at an undefined address")
            }
            var size = layout.chunkBytes, filterMask: UInt32 = 0
            if filtered {
                size = try record.count(width: layout.filteredSizeWidth, limit: ChunkedLayout.chunkByteLimit, "filtered chunk bytes")
                filterMask = try record.uint32()
            }
            var position: [Int] = []
            for _ in 0..<rank { position.append(try record.count(width: 8, limit: Int.max, "chunk position")) }
            try visit(StoredChunk(position: position, address: address, size: size, filterMask: filterMask))
        }
    }
}
