/// Reads little-endian numbers, addresses and byte runs from a bounded span of
/// bytes, refusing every read past the span's end: each structure of an HDF5
/// file is read through one, so a corrupt size or count ends in an
/// `HDF5Error` naming the structure, never in a read outside the file.
///
/// Written by hand: no Swift library reads HDF5, and the C library it replaces
/// (libhdf5) is not safe on hostile bytes.
struct ByteCursor {
    /// The bytes read; the owner keeps them alive (the file's image, or a copied heap object).
    let bytes: UnsafeRawBufferPointer
    /// Where the next read starts, as an index into `bytes`.
    private(set) var position: Int
    /// Where the span starts and ends (exclusive).
    let start: Int, end: Int
    /// The file's sizes of addresses and lengths, in bytes (2, 4 or 8).
    let sizes: FieldSizes
    /// What is being read, for messages: "object header at 4096".
    let what: String

    init(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int, sizes: FieldSizes, what: String) throws {
        guard start >= 0, start <= end, end <= bytes.count else {
            throw HDF5Error("corrupt file: \(what) lies outside the file (bytes \(start)..<\(end) of \(bytes.count))")
        }
        self.bytes = bytes
        self.position = start
        self.start = start
        self.end = end
        self.sizes = sizes
        self.what = what
    }

    /// The bytes left in the span.
    var remaining: Int { end - position }

    /// Throws unless `count` more bytes lie in the span.
    func require(_ count: Int) throws {
        guard count >= 0, count <= remaining else {
            throw HDF5Error("corrupt file: \(what) is cut short (needs \(count) more bytes, has \(remaining))")
        }
    }

    mutating func skip(_ count: Int) throws {
        try require(count)
        position += count
    }

    /// Moves to `index`, which must lie in the span (its end included).
    mutating func seek(to index: Int) throws {
        guard index >= start, index <= end else {
            throw HDF5Error("corrupt file: \(what) points outside itself")
        }
        position = index
    }

    /// Skips forward to the next multiple of `alignment` counted from `origin`.
    mutating func align(to alignment: Int, from origin: Int) throws {
        let misalignment = (position - origin) % alignment
        if misalignment != 0 { try skip(alignment - misalignment) }
    }

    mutating func uint8() throws -> UInt8 {
        try require(1)
        defer { position += 1 }
        return bytes[position]
    }

    mutating func uint16() throws -> UInt16 { UInt16(try unsigned(width: 2)) }
    mutating func uint32() throws -> UInt32 { UInt32(try unsigned(width: 4)) }
    mutating func uint64() throws -> UInt64 { try unsigned(width: 8) }

    /// An unsigned little-endian number of `width` bytes (0 to 8).
    mutating func unsigned(width: Int) throws -> UInt64 {
        guard (0...8).contains(width) else { throw HDF5Error("corrupt file: \(what) has a \(width)-byte number field") }
        try require(width)
        var value: UInt64 = 0
        for index in 0..<width { value |= UInt64(bytes[position + index]) << (8 * index) }
        position += width
        return value
    }

    /// An unsigned number of `width` bytes that must fit an `Int` below `limit`.
    mutating func count(width: Int, limit: Int = Int(Int32.max), _ name: String) throws -> Int {
        let value = try unsigned(width: width)
        guard value <= UInt64(limit) else { throw HDF5Error("corrupt file: \(what) declares \(value) \(name), over the limit of \(limit)") }
        return Int(value)
    }

    /// A file address (`sizes.offset` bytes), or nil for the undefined address (all bits set).
    mutating func address() throws -> UInt64? {
        let value = try unsigned(width: sizes.offset)
        return value == FieldSizes.undefined(width: sizes.offset) ? nil : value
    }

    /// A length field (`sizes.length` bytes).
    mutating func length() throws -> UInt64 { try unsigned(width: sizes.length) }

    /// A length field that must be at most `limit` (by default, the file's size).
    mutating func length(limit: Int, _ name: String) throws -> Int {
        try count(width: sizes.length, limit: limit, name)
    }

    /// The next `count` bytes, as a span of the same buffer.
    mutating func span(_ count: Int) throws -> Range<Int> {
        try require(count)
        defer { position += count }
        return position..<(position + count)
    }

    /// The next `count` bytes, copied.
    mutating func copy(_ count: Int) throws -> [UInt8] {
        Array(bytes[try span(count)])
    }

    /// Reads the 4-byte signature `expected` ("OHDR", "TREE", …).
    mutating func signature(_ expected: String) throws {
        let found = try copy(4)
        guard found == Array(expected.utf8) else {
            throw HDF5Error("corrupt file: \(what) does not start with its signature '\(expected)'")
        }
    }

    /// A cursor over the next `count` bytes, which this one skips.
    mutating func subcursor(_ count: Int, what name: String? = nil) throws -> ByteCursor {
        let range = try span(count)
        return try ByteCursor(bytes, from: range.lowerBound, to: range.upperBound, sizes: sizes, what: name ?? what)
    }

    /// Throws unless the Jenkins lookup3 checksum of bytes `start..<position`
    /// equals the 4-byte checksum that follows them (HDF5's metadata checksum).
    mutating func verifyChecksum(from start: Int) throws {
        let computed = lookup3Checksum(UnsafeRawBufferPointer(rebasing: bytes[start..<position]))
        let stored = try uint32()
        guard computed == stored else { throw HDF5Error("corrupt file: \(what) fails its checksum") }
    }
}

/// The widths of the file's address and length fields, from the superblock.
struct FieldSizes: Sendable {
    let offset: Int
    let length: Int

    /// The undefined address of a `width`-byte field: every bit set.
    static func undefined(width: Int) -> UInt64 { width >= 8 ? .max : (UInt64(1) << (8 * width)) - 1 }

    /// The width HDF5 gives a field that counts up to `maximum` (record counts
    /// of version-2 B-tree nodes, object lengths in heap IDs): one byte per
    /// whole byte below its highest set bit, plus one; 1 to 8.
    static func width(toCount maximum: UInt64) -> Int {
        maximum == 0 ? 1 : (63 - maximum.leadingZeroBitCount) / 8 + 1
    }
}
