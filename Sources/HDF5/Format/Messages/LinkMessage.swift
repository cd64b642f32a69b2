import FileIO

/// A link message: one named member of a new-style group, in its object
/// header (compact storage) or its fractal heap (dense storage).
struct LinkMessage {
    /// What a link points at.
    enum Target {
        /// An object of this file, by its object header address.
        case hard(UInt64)
        /// Another path in this file.
        case soft
        /// An object of another file.
        case external
        /// A link type registered by an application (64 is external).
        case userDefined(Int)
    }

    let name: String
    let target: Target

    init(_ body: ByteCursor) throws {
        var cursor = body
        guard try cursor.uint8() == 1 else { throw HDF5Error("corrupt file: \(cursor.what) has an unknown link version") }
        let flags = try cursor.uint8()
        let type = flags & 0x08 != 0 ? Int(try cursor.uint8()) : 0
        if flags & 0x04 != 0 { try cursor.skip(8) }  // creation order
        if flags & 0x10 != 0 { try cursor.skip(1) }  // the name's character set
        let nameLength = try cursor.count(width: 1 << Int(flags & 0x03), limit: cursor.remaining, "name bytes")
        name = String(decoding: try cursor.copy(nameLength), as: UTF8.self)
        switch type {
        case 0:
            guard let address = try cursor.address() else { throw HDF5Error("corrupt file: link \(quoted(name)) points at an undefined address") }
            target = .hard(address)
        case 1: target = .soft
        case 64: target = .external
        default: target = .userDefined(type)
        }
    }
}

/// Where dense storage lives: the link info message of a new-style group (its
/// links) or the attribute info message of an object (its attributes), each a
/// fractal heap of messages indexed by name in a version-2 B-tree; both
/// addresses are undefined while the links or attributes fit the object header.
struct DenseStorageInfo {
    let heapAddress: UInt64?
    let nameIndexAddress: UInt64?

    /// Reads a link info (`creationIndexBytes` 8) or attribute info (2) message.
    init(_ body: ByteCursor, creationIndexBytes: Int) throws {
        var cursor = body
        guard try cursor.uint8() == 0 else { throw HDF5Error("corrupt file: \(cursor.what) has an unknown version") }
        let flags = try cursor.uint8()
        if flags & 0x01 != 0 { try cursor.skip(creationIndexBytes) }  // the largest creation index
        heapAddress = try cursor.address()
        nameIndexAddress = try cursor.address()
    }
}
