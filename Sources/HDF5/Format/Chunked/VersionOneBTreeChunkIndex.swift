/// The chunk index of layout versions 1 to 3: a version-1 B-tree (`TREE`) of
/// node type 1, whose keys hold each chunk's stored size, filter mask and
/// element offset, and whose leaves point at the chunks.
struct VersionOneBTreeChunkIndex {
    let layout: ChunkedLayout
    let source: HDF5Source
    let what: String

    /// The deepest B-tree LayerLens follows; HDF5 never writes one nearly this deep.
    static let depthLimit = 64

    /// Calls `visit` with every chunk of the tree rooted at `rootAddress`, refusing a node reached twice.
    func visitChunks(rootAddress: UInt64, _ visit: (StoredChunk) throws -> Void) throws {
        var visited: Set<UInt64> = []
        try visitNode(at: rootAddress, expectedLevel: nil, depth: 0, visited: &visited, visit)
    }

    /// Reads the node at `address` (its level one below its parent's), then its children or chunks.
    private func visitNode(at address: UInt64, expectedLevel: Int?, depth: Int, visited: inout Set<UInt64>,
                           _ visit: (StoredChunk) throws -> Void) throws {
        let nodeWhat = "chunk B-tree node at address \(address) of \(what)"
        guard depth <= Self.depthLimit, visited.insert(address).inserted else {
            throw HDF5Error("corrupt file: \(nodeWhat) is reached twice or too deep (the tree loops)")
        }
        var cursor = try source.cursor(at: address, what: nodeWhat)
        try cursor.signature("TREE")
        guard try cursor.uint8() == 1 else { throw HDF5Error("corrupt file: \(nodeWhat) is not a chunk node") }
        let level = Int(try cursor.uint8())
        guard expectedLevel == nil || expectedLevel == level else {
            throw HDF5Error("corrupt file: \(nodeWhat) is at level \(level) under a node of level \((expectedLevel ?? 0) + 1)")
        }
        let used = Int(try cursor.uint16())
        try cursor.skip(2 * source.sizes.offset)  // siblings
        // Keys and children alternate: key 0, child 0, key 1, …, child n-1, key n; key i describes child i.
        let rank = layout.chunkShape.count
        let keyBytes = 4 + 4 + 8 * (rank + 1)
        try cursor.require(used * (keyBytes + source.sizes.offset) + keyBytes)
        var entries: [(key: (size: Int, filterMask: UInt32, position: [Int]), child: UInt64)] = []
        for _ in 0..<used {
            let key = try readKey(&cursor, nodeWhat: nodeWhat)
            guard let child = try cursor.address() else { throw HDF5Error("corrupt file: \(nodeWhat) has an undefined child") }
            entries.append((key, child))
        }
        for entry in entries {
            if level > 0 {
                try visitNode(at: entry.child, expectedLevel: level - 1, depth: depth + 1, visited: &visited, visit)
            } else {
                try visit(StoredChunk(position: entry.key.position, address: entry.child, size: entry.key.size, filterMask: entry.key.filterMask))
            }
        }
    }

    /// A key: the chunk's stored size, its filter mask, and its element offsets,
    /// each a multiple of the chunk shape (the last, in the element-size dimension, 0).
    private func readKey(_ cursor: inout ByteCursor, nodeWhat: String) throws -> (size: Int, filterMask: UInt32, position: [Int]) {
        let size = try cursor.count(width: 4, limit: Int(UInt32.max), "chunk bytes")
        let filterMask = try cursor.uint32()
        var position: [Int] = []
        for extent in layout.chunkShape {
            let offset = try cursor.count(width: 8, limit: Int.max, "element offset")
            guard offset % extent == 0 else { throw HDF5Error("corrupt file: \(nodeWhat) puts a chunk at offset \(offset), not a multiple of \(extent)") }
            position.append(offset / extent)
        }
        guard try cursor.uint64() == 0 else { throw HDF5Error("corrupt file: \(nodeWhat) has a chunk key offset inside an element") }
        return (size, filterMask, position)
    }
}

/// The implicit chunk index of layout version 4 (no filters, space allocated
/// early): chunk number n, numbered in C order over the maximum shape, lies
/// n chunk sizes after the layout's address.
enum ImplicitChunkIndex {
    /// Calls `visit` with every chunk inside the current shape.
    static func visitChunks(dataAddress: UInt64, layout: ChunkedLayout, what: String, _ visit: (StoredChunk) throws -> Void) throws {
        let grid = layout.grid
        let numbering = try ChunkNumbering(grid: grid, unlimitedDimension: nil, what: what)
        let total = grid.chunkCounts.reduce(1, *)  // at most the dataset's element count
        var position = Array(repeating: 0, count: grid.chunkCounts.count)
        for _ in 0..<total {
            let (offset, overflow) = try numbering.number(of: position, what: what).multipliedReportingOverflow(by: layout.chunkBytes)
            let (address, past) = dataAddress.addingReportingOverflow(UInt64(offset))
            guard !overflow, !past else { throw HDF5Error("corrupt file: the implicit chunk index of \(what) puts chunk \(position) past any file") }
            try visit(StoredChunk(position: position, address: address, size: layout.chunkBytes, filterMask: 0))
            // The next position in C order.
            var dimension = position.count - 1
            while dimension >= 0 {
                position[dimension] += 1
                if position[dimension] < grid.chunkCounts[dimension] { break }
                position[dimension] = 0
                dimension -= 1
            }
        }
    }
}
