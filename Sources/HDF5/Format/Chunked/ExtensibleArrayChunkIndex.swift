/// The extensible array chunk index of layout version 4 (one unlimited
/// dimension): a header (`EAHD`), an index block (`EAIB`) holding the first
/// entries and the addresses of the first data blocks (`EADB`) and of super
/// blocks (`EASB`), each of which lists further data blocks, ever larger, as
/// libhdf5's H5EA lays them out. Chunks are numbered in C order over the
/// maximum shape with the unlimited dimension moved first.
struct ExtensibleArrayChunkIndex {
    let layout: ChunkedLayout
    let source: HDF5Source
    let what: String

    /// The most entries (as a power of 2) an array may declare: libhdf5 writes 32 for chunk indexes,
    /// and below this limit no count of blocks or entries overflows.
    static let maximumBitsLimit = 48

    /// The array's parameters, from its header.
    private struct Parameters {
        let filtered: Bool
        let clientID: UInt8
        let entryBytes: Int
        let indexBlockEntries: Int
        let dataBlockMinimumEntries: Int
        let superBlockMinimumPointers: Int
        let pageEntries: Int
        /// The bytes of a block's offset in the array: enough for 2^maximumBits entries.
        let blockOffsetBytes: Int
        let superBlockCount: Int
    }

    /// Where the data blocks of one super block's size class lie: how many, of how many entries,
    /// the number of the first entry past the index block's own, and how many data blocks come before.
    private struct SuperBlockInfo {
        let dataBlockCount: Int
        let dataBlockEntries: Int
        let firstEntry: Int
        let firstDataBlock: Int
    }

    /// Calls `visit` with every chunk the array records inside the current shape.
    func visitChunks(headerAddress: UInt64, _ visit: (StoredChunk) throws -> Void) throws {
        let headerWhat = "extensible array header at address \(headerAddress) of \(what)"
        var header = try source.structure(at: headerAddress, signature: "EAHD", version: 0, what: headerWhat)
        let headerStart = header.start
        let clientID = try header.uint8()
        let entryBytes = Int(try header.uint8())
        let maximumBits = Int(try header.uint8())
        let indexBlockEntries = Int(try header.uint8())
        let dataBlockMinimumEntries = Int(try header.uint8())
        let superBlockMinimumPointers = Int(try header.uint8())
        let pageBits = Int(try header.uint8())
        try header.skip(4 * source.sizes.length)  // super and data block counts and sizes
        let entriesSet = try header.count(width: source.sizes.length, limit: Int.max, "entries set")
        try header.skip(source.sizes.length)  // entries realized
        let indexBlockAddress = try header.address()
        try header.verifyChecksum(from: headerStart)

        let filtered = clientID == 1
        let minimumEntriesBits = dataBlockMinimumEntries.trailingZeroBitCount
        guard clientID <= 1, entryBytes == layout.arrayEntryBytes(filtered: filtered, sizes: source.sizes),
              (1...Self.maximumBitsLimit).contains(maximumBits), pageBits < 32,
              dataBlockMinimumEntries > 0, dataBlockMinimumEntries.nonzeroBitCount == 1, minimumEntriesBits <= maximumBits,
              superBlockMinimumPointers >= 2, superBlockMinimumPointers.nonzeroBitCount == 1 else {
            throw HDF5Error("corrupt file: \(headerWhat) has impossible parameters")
        }
        guard let indexBlockAddress else { return }  // no chunk written
        let parameters = Parameters(filtered: filtered, clientID: clientID, entryBytes: entryBytes, indexBlockEntries: indexBlockEntries,
                                    dataBlockMinimumEntries: dataBlockMinimumEntries, superBlockMinimumPointers: superBlockMinimumPointers,
                                    pageEntries: 1 << pageBits, blockOffsetBytes: (maximumBits + 7) / 8,
                                    superBlockCount: 1 + maximumBits - minimumEntriesBits)
        guard layout.grid.unlimitedDimensions.count == 1, let unlimited = layout.grid.unlimitedDimensions.first else {
            throw HDF5Error("corrupt file: \(what) has an extensible array index but \(layout.grid.unlimitedDimensions.count) unlimited dimensions")
        }
        let numbering = try ChunkNumbering(grid: layout.grid, unlimitedDimension: unlimited, what: what)
        let walk = Walk(index: self, parameters: parameters, headerAddress: headerAddress, numbering: numbering,
                        entryLimit: min(entriesSet, numbering.limit))
        try walk.visitIndexBlock(at: indexBlockAddress, visit)
    }

    /// One walk over the array's blocks: each data block is read once, and only the entries below `entryLimit`.
    private struct Walk {
        let index: ExtensibleArrayChunkIndex
        let parameters: Parameters
        let headerAddress: UInt64
        let numbering: ChunkNumbering
        let entryLimit: Int

        /// The size classes of super blocks holding entries below `entryLimit`, as H5EA__hdr_init computes them.
        func superBlockInfos() -> [SuperBlockInfo] {
            var infos: [SuperBlockInfo] = []
            var firstEntry = 0, firstDataBlock = 0
            for superBlock in 0..<parameters.superBlockCount {
                guard parameters.indexBlockEntries + firstEntry < entryLimit else { break }
                let info = SuperBlockInfo(dataBlockCount: 1 << (superBlock / 2),
                                          dataBlockEntries: (1 << ((superBlock + 1) / 2)) * parameters.dataBlockMinimumEntries,
                                          firstEntry: firstEntry, firstDataBlock: firstDataBlock)
                infos.append(info)
                firstEntry += info.dataBlockCount * info.dataBlockEntries  // below 2 × entryLimit: no overflow
                firstDataBlock += info.dataBlockCount
            }
            return infos
        }

        /// Reads the index block: its own entries, its data blocks, then its super blocks.
        func visitIndexBlock(at address: UInt64, _ visit: (StoredChunk) throws -> Void) throws {
            let blockWhat = "extensible array index block at address \(address) of \(index.what)"
            let sizes = index.source.sizes
            var block = try index.source.cursor(at: address, what: blockWhat)
            let blockStart = block.position
            try checkPrefix(&block, signature: "EAIB", what: blockWhat)
            // The first super blocks' data blocks are listed in the index block itself.
            let directSuperBlocks = 2 * parameters.superBlockMinimumPointers.trailingZeroBitCount
            let dataBlockPointers = 2 * (parameters.superBlockMinimumPointers - 1)
            let superBlockPointers = parameters.superBlockCount - directSuperBlocks
            guard superBlockPointers >= 0 else { throw HDF5Error("corrupt file: \(blockWhat) has impossible parameters") }
            try block.require(parameters.indexBlockEntries * parameters.entryBytes + (dataBlockPointers + superBlockPointers) * sizes.offset)
            for number in 0..<parameters.indexBlockEntries {
                let chunk = try index.layout.readArrayEntry(&block, filtered: parameters.filtered, position: { numbering.position(of: number) })
                if let chunk, number < entryLimit { try visit(chunk) }
            }
            var dataBlocks: [UInt64?] = [], superBlocks: [UInt64?] = []
            for _ in 0..<dataBlockPointers { dataBlocks.append(try block.address()) }
            for _ in 0..<superBlockPointers { superBlocks.append(try block.address()) }
            try block.verifyChecksum(from: blockStart)

            var visited: Set<UInt64> = [address]
            for (superBlock, info) in superBlockInfos().enumerated() {
                let first = parameters.indexBlockEntries + info.firstEntry
                guard superBlock < directSuperBlocks else {
                    guard let superAddress = superBlocks[superBlock - directSuperBlocks] else { continue }
                    try visitSuperBlock(at: superAddress, info: info, first: first, visited: &visited, visit)
                    continue
                }
                for dataBlock in 0..<info.dataBlockCount {
                    let pointer = info.firstDataBlock + dataBlock
                    guard pointer < dataBlocks.count else { throw HDF5Error("corrupt file: \(blockWhat) has impossible parameters") }
                    guard let dataAddress = dataBlocks[pointer] else { continue }
                    guard info.dataBlockEntries <= parameters.pageEntries else {
                        throw HDF5Error("\(blockWhat) points at a data block in pages, which LayerLens does not read (the array parameters libhdf5 always writes never make one)")
                    }
                    try visitDataBlock(at: dataAddress, first: first + dataBlock * info.dataBlockEntries, entries: info.dataBlockEntries,
                                       pageBitmap: nil, visited: &visited, visit)
                }
            }
        }

        /// Reads a super block: its data blocks' page bitmaps (when paged) and addresses, then each data block.
        private func visitSuperBlock(at address: UInt64, info: SuperBlockInfo, first: Int, visited: inout Set<UInt64>,
                                     _ visit: (StoredChunk) throws -> Void) throws {
            let blockWhat = "extensible array super block at address \(address) of \(index.what)"
            guard visited.insert(address).inserted else { throw HDF5Error("corrupt file: \(blockWhat) is reached twice") }
            var block = try index.source.cursor(at: address, what: blockWhat)
            let blockStart = block.position
            try checkPrefix(&block, signature: "EASB", what: blockWhat)
            try block.skip(parameters.blockOffsetBytes)
            let paged = info.dataBlockEntries > parameters.pageEntries
            let pagesPerBlock = paged ? info.dataBlockEntries / parameters.pageEntries : 0
            let bitmapBytes = info.dataBlockCount * ((pagesPerBlock + 7) / 8)
            try block.require(bitmapBytes + info.dataBlockCount * index.source.sizes.offset)
            let bitmap = try block.copy(bitmapBytes)
            var dataBlocks: [UInt64?] = []
            for _ in 0..<info.dataBlockCount { dataBlocks.append(try block.address()) }
            try block.verifyChecksum(from: blockStart)
            for (dataBlock, dataAddress) in dataBlocks.enumerated() {
                let blockFirst = first + dataBlock * info.dataBlockEntries
                guard let dataAddress, blockFirst < entryLimit else { continue }
                // libhdf5 numbers the page bits of all the super block's data blocks in one run.
                let pages = paged ? (bitmap: bitmap, first: dataBlock * pagesPerBlock) : nil
                try visitDataBlock(at: dataAddress, first: blockFirst, entries: info.dataBlockEntries, pageBitmap: pages,
                                   visited: &visited, visit)
            }
        }

        /// Reads a data block of `entries` entries numbered from `first`: in
        /// one run, or (with a bitmap) in pages, of which only those whose bit is set were written.
        private func visitDataBlock(at address: UInt64, first: Int, entries: Int, pageBitmap: (bitmap: [UInt8], first: Int)?,
                                    visited: inout Set<UInt64>, _ visit: (StoredChunk) throws -> Void) throws {
            let blockWhat = "extensible array data block at address \(address) of \(index.what)"
            guard visited.insert(address).inserted else { throw HDF5Error("corrupt file: \(blockWhat) is reached twice") }
            var block = try index.source.cursor(at: address, what: blockWhat)
            let blockStart = block.position
            try checkPrefix(&block, signature: "EADB", what: blockWhat)
            try block.skip(parameters.blockOffsetBytes)
            // Runs of entries, each with its checksum after it when the block is paged.
            var runs: [(first: Int, count: Int, cursor: ByteCursor)] = []
            if let pageBitmap {
                try block.verifyChecksum(from: blockStart)
                let pageEntries = parameters.pageEntries
                let pageBytes = pageEntries * parameters.entryBytes + 4
                for page in 0..<(entries / pageEntries) {
                    let bit = pageBitmap.first + page
                    guard bit / 8 < pageBitmap.bitmap.count else { throw HDF5Error("corrupt file: \(blockWhat) has no page bitmap") }
                    let pageFirst = first + page * pageEntries
                    guard pageFirst < entryLimit else { break }
                    guard pageBitmap.bitmap[bit / 8] & (0x80 >> UInt8(bit % 8)) != 0 else { continue }
                    var cursor = try index.source.cursor(over: block.position..<block.end, what: "page \(page) of \(blockWhat)")
                    try cursor.skip(page * pageBytes)
                    runs.append((pageFirst, pageEntries, try cursor.subcursor(pageBytes)))
                }
            } else {
                runs = [(first, entries, try block.subcursor(entries * parameters.entryBytes))]
                try block.verifyChecksum(from: blockStart)
            }
            for run in runs {
                var cursor = run.cursor
                for number in run.first..<(run.first + run.count) {
                    let chunk = try index.layout.readArrayEntry(&cursor, filtered: parameters.filtered, position: { numbering.position(of: number) })
                    if let chunk, number < entryLimit { try visit(chunk) }
                }
                if pageBitmap != nil { try cursor.verifyChecksum(from: cursor.start) }
            }
        }

        /// Reads a block's signature, version, client and header address, which must name this array.
        private func checkPrefix(_ block: inout ByteCursor, signature: String, what blockWhat: String) throws {
            try block.signature(signature)
            guard try block.uint8() == 0, try block.uint8() == parameters.clientID, try block.address() == headerAddress else {
                throw HDF5Error("corrupt file: \(blockWhat) does not belong to its header")
            }
        }
    }
}
