/// One message of an object header: its type, flags and where its body lies in the file.
struct HeaderMessage {
    let type: UInt16
    let flags: UInt8
    /// The body's bytes, as indices into the file's bytes.
    let body: Range<Int>

    /// Message types LayerLens reads (HDF5 specification, section IV.A.2).
    enum Kind {
        static let nothing: UInt16 = 0x00, dataspace: UInt16 = 0x01, linkInfo: UInt16 = 0x02, datatype: UInt16 = 0x03
        static let fillValueOld: UInt16 = 0x04, fillValue: UInt16 = 0x05, link: UInt16 = 0x06, externalFiles: UInt16 = 0x07
        static let layout: UInt16 = 0x08, filters: UInt16 = 0x0B, attribute: UInt16 = 0x0C
        static let continuation: UInt16 = 0x10, symbolTable: UInt16 = 0x11, attributeInfo: UInt16 = 0x15
    }

    /// Whether the message's body is stored elsewhere, shared between objects (flag bit 1).
    var isShared: Bool { flags & 0x02 != 0 }
}

/// An object header: the list of messages that say what an object (group,
/// dataset) is. Version 1 (h5py's default) and version 2 (`OHDR`, checksummed)
/// headers are read, with every continuation block they chain to; a chain that
/// loops or runs outside the file is refused.
struct ObjectHeader {
    let address: UInt64
    let messages: [HeaderMessage]

    /// The most continuation blocks one header may chain: a corrupt chain cannot run long.
    static let blockLimit = 4096

    init(at address: UInt64, in file: HDF5Source) throws {
        self.address = address
        let what = "object header at address \(address)"
        var cursor = try file.cursor(at: address, what: what)
        var messages: [HeaderMessage] = []
        var blocks: [(address: UInt64, length: Int)] = []
        /// Reads one continuation block's messages, given a cursor over the whole block.
        let readContinuation: (inout ByteCursor) throws -> Void
        let version = try cursor.uint8()
        if version == 1 {
            try cursor.skip(1)  // reserved
            try cursor.skip(2)  // the message count: the blocks themselves say what they hold
            try cursor.skip(4)  // reference count
            let size = try cursor.count(width: 4, "header bytes")
            try cursor.skip(4)  // padding to the 8-byte boundary
            var block = try cursor.subcursor(size, what: what)
            try Self.readVersion1Messages(&block, into: &messages, continuations: &blocks)
            readContinuation = { block in try Self.readVersion1Messages(&block, into: &messages, continuations: &blocks) }
        } else {
            try cursor.seek(to: cursor.position - 1)
            try cursor.signature("OHDR")
            let start = cursor.position - 4
            guard try cursor.uint8() == 2 else { throw HDF5Error("corrupt file: \(what) has an unknown version") }
            let flags = try cursor.uint8()
            if flags & 0x20 != 0 { try cursor.skip(16) }  // access, modification, change and birth times
            if flags & 0x10 != 0 { try cursor.skip(4) }  // attribute storage phase change values
            let size = try cursor.count(width: 1 << Int(flags & 0x03), "header bytes")
            let tracksOrder = flags & 0x04 != 0
            var block = try cursor.subcursor(size, what: what)
            try Self.readVersion2Messages(&block, tracksOrder: tracksOrder, into: &messages, continuations: &blocks)
            try cursor.verifyChecksum(from: start)
            // A version-2 continuation block is signed ("OCHK") and checksummed.
            readContinuation = { chunk in
                let chunkStart = chunk.position
                try chunk.signature("OCHK")
                guard chunk.remaining >= 4 else { throw HDF5Error("corrupt file: continuation of \(what) is cut short") }
                var block = try chunk.subcursor(chunk.remaining - 4)
                try Self.readVersion2Messages(&block, tracksOrder: tracksOrder, into: &messages, continuations: &blocks)
                try chunk.verifyChecksum(from: chunkStart)
            }
        }
        var visited: Set<UInt64> = [address]
        while let next = blocks.popLast() {
            guard visited.insert(next.address).inserted, visited.count <= Self.blockLimit else {
                throw HDF5Error("corrupt file: \(what) chains its continuation blocks in a loop")
            }
            var block = try file.cursor(at: next.address, count: next.length, what: "continuation of \(what)")
            try readContinuation(&block)
        }
        self.messages = messages
    }

    /// Version-1 messages: type (2), size (2), flags (1), 3 reserved bytes, then
    /// the body, each padded to 8 bytes.
    private static func readVersion1Messages(_ block: inout ByteCursor, into messages: inout [HeaderMessage],
                                             continuations: inout [(address: UInt64, length: Int)]) throws {
        while block.remaining >= 8 {
            let type = try block.uint16()
            let size = Int(try block.uint16())
            let flags = try block.uint8()
            try block.skip(3)
            let body = try block.span(size)
            try append(type, flags, body, block, into: &messages, continuations: &continuations)
            try block.align(to: 8, from: block.start)
        }
    }

    /// Version-2 messages: type (1), size (2), flags (1), the creation order (2)
    /// when tracked, then the body; a gap shorter than a message header may end the block.
    private static func readVersion2Messages(_ block: inout ByteCursor, tracksOrder: Bool, into messages: inout [HeaderMessage],
                                             continuations: inout [(address: UInt64, length: Int)]) throws {
        let headerSize = tracksOrder ? 6 : 4
        while block.remaining >= headerSize {
            let type = UInt16(try block.uint8())
            let size = Int(try block.uint16())
            let flags = try block.uint8()
            if tracksOrder { try block.skip(2) }
            let body = try block.span(size)
            try append(type, flags, body, block, into: &messages, continuations: &continuations)
        }
    }

    private static func append(_ type: UInt16, _ flags: UInt8, _ body: Range<Int>, _ block: ByteCursor,
                               into messages: inout [HeaderMessage], continuations: inout [(address: UInt64, length: Int)]) throws {
        if type == HeaderMessage.Kind.continuation {
            var cursor = try ByteCursor(block.bytes, from: body.lowerBound, to: body.upperBound, sizes: block.sizes, what: block.what)
            guard let address = try cursor.address() else { throw HDF5Error("corrupt file: \(block.what) continues at an undefined address") }
            continuations.append((address, try cursor.length(limit: block.bytes.count, "continuation bytes")))
        } else if type != HeaderMessage.Kind.nothing {
            messages.append(HeaderMessage(type: type, flags: flags, body: body))
        }
    }

    /// The messages of `type`.
    func messages(_ type: UInt16) -> [HeaderMessage] { messages.filter { $0.type == type } }

    /// The one message of `type`, if any.
    func message(_ type: UInt16) -> HeaderMessage? { messages.first { $0.type == type } }
}
