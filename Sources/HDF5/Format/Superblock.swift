/// The superblock: where an HDF5 file starts, how wide its addresses and
/// lengths are, and where its root group's object header lies. Versions 0 and
/// 1 (h5py's default) and 2 and 3 (`libver="latest"`) are read.
struct Superblock {
    /// The byte index of address 0 (the superblock's own place, past any user block).
    let baseIndex: Int
    let sizes: FieldSizes
    let version: Int
    /// The root group's object header address.
    let rootAddress: UInt64

    /// The 8-byte signature every superblock starts with.
    static let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]

    /// Finds and reads the superblock of `bytes`: at byte 0, or past a user block
    /// at 512, 1024, 2048, … bytes. Refuses a file shorter than its superblock says.
    init(_ bytes: UnsafeRawBufferPointer) throws {
        var place = 0
        while place + Self.signature.count <= bytes.count, !bytes[place..<(place + Self.signature.count)].elementsEqual(Self.signature) {
            place = place == 0 ? 512 : place * 2
        }
        guard place + Self.signature.count <= bytes.count else { throw HDF5Error("no HDF5 signature: not an HDF5 file") }
        var cursor = try ByteCursor(bytes, from: place + 8, to: bytes.count, sizes: FieldSizes(offset: 8, length: 8), what: "the superblock")
        version = Int(try cursor.uint8())
        let offsetSize: Int, lengthSize: Int
        let baseAddress: UInt64, endOfFile: UInt64, root: UInt64?
        switch version {
        case 0, 1:
            try cursor.skip(3)  // free-space, root symbol table and shared-header versions
            try cursor.skip(1)
            offsetSize = Int(try cursor.uint8())
            lengthSize = Int(try cursor.uint8())
            try Self.checkSizes(offsetSize, lengthSize)
            try cursor.skip(1 + 2 + 2 + 4 + (version == 1 ? 4 : 0))  // reserved, group B-tree K values, flags, indexed-storage K
            cursor = try ByteCursor(bytes, from: cursor.position, to: bytes.count, sizes: FieldSizes(offset: offsetSize, length: lengthSize), what: "the superblock")
            baseAddress = try cursor.unsigned(width: offsetSize)
            try cursor.skip(offsetSize)  // free-space info address
            endOfFile = try cursor.unsigned(width: offsetSize)
            try cursor.skip(offsetSize)  // driver information block
            try cursor.skip(offsetSize)  // the root's link-name offset
            root = try cursor.address()
        case 2, 3:
            offsetSize = Int(try cursor.uint8())
            lengthSize = Int(try cursor.uint8())
            try Self.checkSizes(offsetSize, lengthSize)
            try cursor.skip(1)  // file consistency flags
            cursor = try ByteCursor(bytes, from: cursor.position, to: bytes.count, sizes: FieldSizes(offset: offsetSize, length: lengthSize), what: "the superblock")
            baseAddress = try cursor.unsigned(width: offsetSize)
            try cursor.skip(offsetSize)  // superblock extension
            endOfFile = try cursor.unsigned(width: offsetSize)
            root = try cursor.address()
            try cursor.verifyChecksum(from: place)
        default:
            throw HDF5Error("superblock version \(version) is not one HDF5 defines (0 to 3)")
        }
        sizes = FieldSizes(offset: offsetSize, length: lengthSize)
        // Address 0 is the superblock's place; a base address is honoured only where it says the same.
        guard baseAddress == 0 || baseAddress == UInt64(place) else {
            throw HDF5Error("corrupt file: the superblock at byte \(place) gives base address \(baseAddress)")
        }
        baseIndex = place
        guard let root else { throw HDF5Error("corrupt file: the superblock names no root group") }
        rootAddress = root
        // The end-of-file address counts from the stored base address (0, or the superblock's place).
        let available = UInt64(bytes.count - place) + baseAddress
        guard endOfFile <= available || endOfFile == FieldSizes.undefined(width: offsetSize) else {
            throw HDF5Error("truncated file: the superblock says it holds \(endOfFile) bytes, but \(available) are there")
        }
    }

    private static func checkSizes(_ offsetSize: Int, _ lengthSize: Int) throws {
        guard [2, 4, 8].contains(offsetSize), [2, 4, 8].contains(lengthSize) else {
            throw HDF5Error("corrupt file: the superblock gives \(offsetSize)-byte addresses and \(lengthSize)-byte lengths (2, 4 or 8 are defined)")
        }
    }
}
