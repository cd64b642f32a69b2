/// A chunked data layout (layout class 2): the shape of the chunks, the flags of
/// layout version 4, and the index that finds the chunks in the file. Reading
/// walks the index (`visitChunks`) and places each chunk (`ChunkAssembly`).
struct ChunkedLayout {
    /// How the chunks are found: the index kinds of layout versions 1 to 4.
    enum Index {
        /// A version-1 B-tree of node type 1 (layout versions 1 to 3).
        case version1BTree
        /// One chunk covering the whole dataset; its filtered size and mask when filtered.
        case singleChunk(filtered: (size: Int, filterMask: UInt32)?)
        /// No index: every chunk is allocated, in C order over the maximum shape, from the address on.
        case implicit
        /// A fixed array (`FAHD`), one entry a chunk in C order over the maximum shape.
        case fixedArray
        /// An extensible array (`EAHD`), for datasets with one unlimited dimension.
        case extensibleArray
        /// A version-2 B-tree of record type 10 or 11, for datasets with several unlimited dimensions.
        case version2BTree
    }

    /// The elements of a chunk along each of the dataset's dimensions.
    let chunkShape: [Int]
    /// The element size the layout declares (the last of its dimensions).
    let elementSize: Int
    /// The bytes of one unfiltered chunk: the product of `chunkShape` and `elementSize`.
    let chunkBytes: Int
    /// Where the index (or, for single and implicit indexes, the data) lies; nil when nothing was written.
    let address: UInt64?
    let index: Index
    /// Layout version 4's flag: chunks that cross the dataset's edge are stored unfiltered.
    let skipsFiltersOnPartialEdgeChunks: Bool
    /// The chunk grid over the dataset's current and maximum shape.
    let grid: ChunkGrid

    /// The largest chunk LayerLens reads, as libhdf5 allows: under 4 GiB.
    static let chunkByteLimit = Int(UInt32.max)

    /// A chunked layout of message version 1 or 2: always a version-1 B-tree.
    init(bTreeAddress: UInt64?, dimensions: [Int], space: Dataspace, what: String) throws {
        try self.init(dimensions: dimensions, address: bTreeAddress, index: .version1BTree, skipsFiltersOnPartialEdgeChunks: false,
                      space: space, what: what)
    }

    /// A chunked layout of message version 3 or 4, read from after its layout class.
    init(version: Int, cursor: inout ByteCursor, space: Dataspace) throws {
        let what = cursor.what
        guard version == 4 else {
            let dimensionality = Int(try cursor.uint8())
            let address = try cursor.address()
            var dimensions: [Int] = []
            try cursor.require(4 * dimensionality)
            for _ in 0..<dimensionality { dimensions.append(try cursor.count(width: 4, limit: Int(UInt32.max), "elements per chunk")) }
            try self.init(dimensions: dimensions, address: address, index: .version1BTree, skipsFiltersOnPartialEdgeChunks: false,
                          space: space, what: what)
            return
        }
        let flags = try cursor.uint8()
        guard flags & ~0x03 == 0 else { throw HDF5Error("corrupt file: \(what) has chunked layout flags \(flags)") }
        let dimensionality = Int(try cursor.uint8())
        let dimensionWidth = Int(try cursor.uint8())
        guard (1...8).contains(dimensionWidth) else { throw HDF5Error("corrupt file: \(what) encodes chunk dimensions in \(dimensionWidth) bytes") }
        try cursor.require(dimensionWidth * dimensionality)
        var dimensions: [Int] = []
        for _ in 0..<dimensionality { dimensions.append(try cursor.count(width: dimensionWidth, limit: Int(UInt32.max), "elements per chunk")) }
        let indexType = try cursor.uint8()
        let index: Index
        switch indexType {
        case 1:
            if flags & 0x02 != 0 {
                let size = try cursor.length(limit: Self.chunkByteLimit, "filtered chunk bytes")
                index = .singleChunk(filtered: (size, try cursor.uint32()))
            } else {
                index = .singleChunk(filtered: nil)
            }
        case 2:
            index = .implicit
        case 3:
            try cursor.skip(1)  // page bits, which the array's header repeats
            index = .fixedArray
        case 4:
            try cursor.skip(5)  // the array's parameters, which its header repeats
            index = .extensibleArray
        case 5:
            try cursor.skip(4 + 1 + 1)  // node size, split and merge percentages, which the tree's header repeats
            index = .version2BTree
        default:
            throw HDF5Error("corrupt file: \(what) has chunk index type \(indexType)")
        }
        try self.init(dimensions: dimensions, address: try cursor.address(), index: index,
                      skipsFiltersOnPartialEdgeChunks: flags & 0x01 != 0, space: space, what: what)
    }

    /// Checks the layout's dimensions (the chunk shape, then the element size) against the dataspace.
    private init(dimensions: [Int], address: UInt64?, index: Index, skipsFiltersOnPartialEdgeChunks: Bool,
                 space: Dataspace, what: String) throws {
        let rank = space.dimensions.count
        guard rank >= 1, dimensions.count == rank + 1, let elementSize = dimensions.last else {
            throw HDF5Error("corrupt file: \(what) has \(dimensions.count) chunk dimensions for a \(rank)-dimensional dataset")
        }
        var chunkBytes = 1
        for dimension in dimensions {
            let (product, overflow) = chunkBytes.multipliedReportingOverflow(by: dimension)
            guard dimension >= 1, !overflow, product <= Self.chunkByteLimit else {
                throw HDF5Error("corrupt file: \(what) declares chunks of \(dimensions) (empty, or over \(Self.chunkByteLimit) bytes)")
            }
            chunkBytes = product
        }
        chunkShape = Array(dimensions.dropLast())
        self.elementSize = elementSize
        self.chunkBytes = chunkBytes
        self.address = address
        self.index = index
        self.skipsFiltersOnPartialEdgeChunks = skipsFiltersOnPartialEdgeChunks
        grid = try ChunkGrid(shape: space.dimensions, maximumShape: space.maximumDimensions, chunkShape: chunkShape, what: what)
    }

    /// The bytes the file's chunks take (as libhdf5's `H5Dget_storage_size`): their stored, filtered sizes.
    /// Every chunk of an implicit index is allocated, so their count gives the sum without a walk.
    func storedBytes(in source: HDF5Source, what: String) throws -> Int {
        let overflowError = HDF5Error("corrupt file: \(what) claims more stored bytes than can be counted")
        if case .implicit = index {
            guard address != nil else { return 0 }
            let (total, overflow) = grid.chunkCounts.reduce(1, *).multipliedReportingOverflow(by: chunkBytes)
            guard !overflow else { throw overflowError }
            return total
        }
        var total = 0
        try visitChunks(in: source, what: what) { chunk in
            let (sum, overflow) = total.addingReportingOverflow(chunk.size)
            guard !overflow else { throw overflowError }
            total = sum
        }
        return total
    }

    /// The dataset's raw elements in C order: each chunk the index finds read,
    /// unfiltered and placed; elements of chunks never written hold the fill value.
    func readRaw(shape: [Int], elementSize: Int, filters: FilterPipeline?, fillValue: [UInt8]?,
                 in source: HDF5Source, what: String) throws -> [UInt8] {
        guard shape == grid.shape else { throw HDF5Error("\(what) is read as shape \(shape), but its chunks were laid out for \(grid.shape)") }
        guard elementSize == self.elementSize else {
            throw HDF5Error("corrupt file: \(what) has chunks of \(self.elementSize)-byte elements, but its type takes \(elementSize) bytes")
        }
        var assembly = try ChunkAssembly(grid: grid, elementSize: elementSize, fillValue: fillValue, what: what)
        try visitChunks(in: source, what: what) { chunk in
            let filtersApply = !(skipsFiltersOnPartialEdgeChunks && grid.isPartialEdgeChunk(chunk.position))
            try assembly.place(chunk, filters: filtersApply ? filters : nil, chunkBytes: chunkBytes, in: source)
        }
        return assembly.output
    }

    /// Calls `visit` with every chunk the index records, in the index's order.
    private func visitChunks(in source: HDF5Source, what: String, _ visit: (StoredChunk) throws -> Void) throws {
        guard let address else { return }  // never written: all fill
        switch index {
        case .version1BTree:
            try VersionOneBTreeChunkIndex(layout: self, source: source, what: what).visitChunks(rootAddress: address, visit)
        case .singleChunk(let filtered):
            try visit(StoredChunk(position: Array(repeating: 0, count: chunkShape.count), address: address,
                                  size: filtered?.size ?? chunkBytes, filterMask: filtered?.filterMask ?? 0))
        case .implicit:
            try ImplicitChunkIndex.visitChunks(dataAddress: address, layout: self, what: what, visit)
        case .fixedArray:
            try FixedArrayChunkIndex(layout: self, source: source, what: what).visitChunks(headerAddress: address, visit)
        case .extensibleArray:
            try ExtensibleArrayChunkIndex(layout: self, source: source, what: what).visitChunks(headerAddress: address, visit)
        case .version2BTree:
            try VersionTwoBTreeChunkIndex(layout: self, source: source, what: what).visitChunks(headerAddress: address, visit)
        }
    }

    /// The width of a filtered chunk's size in array and version-2 B-tree entries, as libhdf5
    /// sizes it: one byte more than the unfiltered chunk size needs, at most 8.
    var filteredSizeWidth: Int {
        let log2 = Int.bitWidth - 1 - chunkBytes.leadingZeroBitCount
        return min(8, 1 + (log2 + 8) / 8)
    }

    /// The bytes of an entry of a fixed or extensible array: a chunk's address,
    /// then, when `filtered`, its stored size and filter mask.
    func arrayEntryBytes(filtered: Bool, sizes: FieldSizes) -> Int {
        sizes.offset + (filtered ? filteredSizeWidth + 4 : 0)
    }

    /// Reads an entry of a fixed or extensible array (see `arrayEntryBytes`) for
    /// the chunk at `position`; nil when that chunk was never written.
    func readArrayEntry(_ cursor: inout ByteCursor, filtered: Bool, position: () -> [Int]) throws -> StoredChunk? {
        let address = try cursor.address()
        var size = chunkBytes, filterMask: UInt32 = 0
        if filtered {
            size = try cursor.count(width: filteredSizeWidth, limit: Self.chunkByteLimit, "filtered chunk bytes")
            filterMask = try cursor.uint32()
        }
        guard let address else { return nil }
        return StoredChunk(position: position(), address: address, size: size, filterMask: filterMask)
    }
}

/// One chunk an index records: its position in the chunk grid, where its bytes
/// lie and how many there are, and which filters were skipped when it was written.
struct StoredChunk {
    /// The chunk's coordinates in the grid (element offset divided by the chunk shape).
    let position: [Int]
    let address: UInt64
    /// The bytes the chunk takes in the file (after its filters).
    let size: Int
    /// Bit `i` set: filter `i` of the pipeline was not applied to this chunk.
    let filterMask: UInt32
}
