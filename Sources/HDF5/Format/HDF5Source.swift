import Foundation

/// An open file's bytes with what its superblock fixes (field widths, where
/// address 0 lies): every structure is read through `cursor(at:)`, which turns
/// a file address into a bounded cursor, or refuses one outside the file.
final class HDF5Source: @unchecked Sendable {
    let file: FileBytes
    let superblock: Superblock
    /// Global heap collections already read, by address (vlen strings point into them).
    private var globalHeaps: [UInt64: GlobalHeapCollection] = [:]
    private let lock = NSLock()

    init(_ file: FileBytes) throws {
        self.file = file
        superblock = try Superblock(file.bytes)
    }

    var sizes: FieldSizes { superblock.sizes }
    var bytes: UnsafeRawBufferPointer { file.bytes }

    /// The byte index of file address `address`, refused when it lies outside the file.
    func index(of address: UInt64, what: @autoclosure () -> String) throws -> Int {
        let available = UInt64(bytes.count - superblock.baseIndex)
        guard address < available else {
            throw HDF5Error("corrupt file: \(what()) lies at address \(address), past the end of the file")
        }
        return superblock.baseIndex + Int(address)
    }

    /// A cursor at `address`, bounded by `count` bytes when given, else by the end of the file.
    func cursor(at address: UInt64, count: Int? = nil, what: String) throws -> ByteCursor {
        let start = try index(of: address, what: what)
        guard let count else { return try ByteCursor(bytes, from: start, to: bytes.count, sizes: sizes, what: what) }
        guard count >= 0, count <= bytes.count - start else {
            throw HDF5Error("corrupt file: \(what) claims \(count) bytes, past the end of the file")
        }
        return try ByteCursor(bytes, from: start, to: start + count, sizes: sizes, what: what)
    }

    /// A cursor over `bytes` of the file's own buffer.
    func cursor(over range: Range<Int>, what: String) throws -> ByteCursor {
        try ByteCursor(bytes, from: range.lowerBound, to: range.upperBound, sizes: sizes, what: what)
    }

    /// The object of global heap `collection` with `index`: the bytes a variable-length value points at.
    func globalHeapObject(collection: UInt64, index: Int) throws -> Range<Int> {
        lock.lock()
        defer { lock.unlock() }
        let heap: GlobalHeapCollection
        if let known = globalHeaps[collection] {
            heap = known
        } else {
            heap = try GlobalHeapCollection(at: collection, in: self)
            globalHeaps[collection] = heap
        }
        guard let object = heap.objects[index] else {
            throw HDF5Error("corrupt file: global heap at address \(collection) has no object \(index)")
        }
        return object
    }
}

/// A global heap collection (`GCOL`): numbered objects that variable-length
/// data (strings) points at. Each object's bytes are found once, by index.
struct GlobalHeapCollection {
    let objects: [Int: Range<Int>]

    init(at address: UInt64, in source: HDF5Source) throws {
        let what = "global heap at address \(address)"
        var header = try source.cursor(at: address, what: what)
        let start = header.position
        try header.signature("GCOL")
        guard try header.uint8() == 1 else { throw HDF5Error("corrupt file: \(what) has an unknown version") }
        try header.skip(3)
        let size = try header.length(limit: source.bytes.count, "bytes")
        guard size >= header.position - start else { throw HDF5Error("corrupt file: \(what) is smaller than its own header") }
        var cursor = try source.cursor(at: address, count: size, what: what)
        // The collection's header, each object's header and each object's data are padded to 8 bytes.
        try cursor.skip(header.position - start)
        try cursor.align(to: 8, from: cursor.start)
        var objects: [Int: Range<Int>] = [:]
        // Each object takes at least 16 bytes, so the loop ends with the collection.
        while cursor.remaining >= 8 + source.sizes.length {
            let index = Int(try cursor.uint16())
            if index == 0 { break }  // the free space, which ends the collection
            try cursor.skip(2 + 4)  // reference count, reserved
            let objectSize = try cursor.length(limit: cursor.remaining, "object bytes")
            try cursor.align(to: 8, from: cursor.start)
            objects[index] = try cursor.span(objectSize)
            try cursor.align(to: 8, from: cursor.start)
        }
        self.objects = objects
    }
}
