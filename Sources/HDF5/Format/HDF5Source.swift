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
            throw HDF5Error("corrupt file: \(what()) points past the end of the file (address \(address) of \(available))")
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

    /// A cursor at the structure at `address`, past its 4-byte `signature`
    /// ("TREE", "FRHP", …) and its version byte, which must be `version`; the
    /// cursor's `start` is the structure's first byte (where checksums start).
    func structure(at address: UInt64, signature: String, version: UInt8, what: String) throws -> ByteCursor {
        var cursor = try self.cursor(at: address, what: what)
        try cursor.signature(signature)
        let found = try cursor.uint8()
        guard found == version else { throw HDF5Error("corrupt file: \(what) has version \(found), not \(version)") }
        return cursor
    }

    /// A cursor over the body of `message`; for a shared message (a committed
    /// datatype, say), over the body of the message it points at.
    func body(of message: HeaderMessage, what: String) throws -> ByteCursor {
        let body = try cursor(over: message.body, what: what)
        return message.isShared ? try SharedMessage.resolve(body, type: message.type, in: self) : body
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
        var header = try source.structure(at: address, signature: "GCOL", version: 1, what: what)
        let start = header.start
        try header.skip(3)
        let size = try header.length(limit: source.bytes.count, "bytes")
        try header.align(to: 8, from: start)  // headers are padded to 8 bytes (with 4-byte lengths too)
        guard size >= header.position - start else { throw HDF5Error("corrupt file: \(what) is smaller than its own header") }
        var cursor = try source.cursor(at: address, count: size, what: what)
        try cursor.skip(header.position - start)
        var objects: [Int: Range<Int>] = [:]
        // Each object's header takes 16 bytes, so the loop ends with the collection.
        while cursor.remaining >= 16 {
            let objectStart = cursor.position
            let index = Int(try cursor.uint16())
            if index == 0 { break }  // the free space, which ends the collection
            try cursor.skip(2 + 4)  // reference count, reserved
            let objectSize = try cursor.length(limit: cursor.remaining, "object bytes")
            try cursor.align(to: 8, from: objectStart)
            objects[index] = try cursor.span(objectSize)
            try cursor.skip(min(cursor.remaining, (8 - objectSize % 8) % 8))  // the data is padded to 8 bytes
        }
        self.objects = objects
    }
}
