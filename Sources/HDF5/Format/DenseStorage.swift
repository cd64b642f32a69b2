// TEMPORARY (replaced by the fractal heap + version-2 B-tree reader before this lands).
enum DenseStorage {
    enum RecordType { case linkName, attributeName }
    static func objects(heapAddress: UInt64, nameIndexAddress: UInt64, recordType: RecordType, in source: HDF5Source, what: String) throws -> [ByteCursor] {
        throw HDF5Error("\(what) are in dense storage, not read yet")
    }
}
