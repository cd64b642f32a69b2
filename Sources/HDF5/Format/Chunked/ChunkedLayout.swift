// TEMPORARY (replaced by the chunked storage reader before this lands).
struct ChunkedLayout {
    enum Index { case version1BTree }
    init(version: Int, index: Index, address: UInt64?, chunkDimensions: [Int], rank: Int, what: String) throws { throw HDF5Error("chunked") }
    init(version: Int, cursor: inout ByteCursor, rank: Int) throws { throw HDF5Error("chunked") }
    func storedBytes(in source: HDF5Source, what: String) throws -> Int { 0 }
    func readRaw(shape: [Int], elementSize: Int, filters: FilterPipeline?, fillValue: [UInt8]?, in source: HDF5Source, what: String) throws -> [UInt8] { [] }
}
