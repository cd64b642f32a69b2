import FileIO

/// An attribute message: a small named array stored with an object (in its
/// header, or in the object's dense attribute storage).
struct AttributeMessage {
    let name: String
    let datatype: Datatype
    let dataspace: Dataspace
    /// The cursor over the attribute's data: its whole span, after the name, type and space.
    let data: ByteCursor

    /// Reads an attribute message's body. Versions 1 (fields padded to 8
    /// bytes), 2 and 3 (with the name's character set) are read, with a
    /// datatype or dataspace shared from another object's header.
    init(_ body: ByteCursor, in source: HDF5Source) throws {
        var cursor = body
        let fields = try Self.readName(&cursor)
        name = fields.name
        let (version, flags, datatypeSize, dataspaceSize) = (fields.version, fields.flags, fields.datatypeSize, fields.dataspaceSize)
        let padded = { (size: Int) in version == 1 ? (size + 7) / 8 * 8 : size }
        var typeCursor = try cursor.subcursor(padded(datatypeSize))
        if flags & 0x01 != 0 { typeCursor = try SharedMessage.resolve(typeCursor, type: HeaderMessage.Kind.datatype, in: source) }
        datatype = try Datatype(&typeCursor)
        var spaceCursor = try cursor.subcursor(padded(dataspaceSize))
        if flags & 0x02 != 0 { spaceCursor = try SharedMessage.resolve(spaceCursor, type: HeaderMessage.Kind.dataspace, in: source) }
        dataspace = try Dataspace(&spaceCursor)
        data = cursor
    }

    /// The name of the attribute whose message body is `body`, read without its type, shape or data.
    static func name(of body: ByteCursor) throws -> String {
        var cursor = body
        return try readName(&cursor).name
    }

    /// The fields before the datatype: version, flags, the sizes of the type
    /// and shape, and the name, which the cursor is left past.
    private static func readName(_ cursor: inout ByteCursor) throws -> (name: String, version: UInt8, flags: UInt8, datatypeSize: Int, dataspaceSize: Int) {
        let version = try cursor.uint8()
        guard (1...3).contains(version) else { throw HDF5Error("corrupt file: \(cursor.what) has attribute version \(version)") }
        let flags = try cursor.uint8()
        let nameSize = Int(try cursor.uint16())
        let datatypeSize = Int(try cursor.uint16())
        let dataspaceSize = Int(try cursor.uint16())
        if version == 3 { try cursor.skip(1) }  // the name's character set
        var nameBytes = try cursor.copy(version == 1 ? (nameSize + 7) / 8 * 8 : nameSize).prefix(nameSize)
        if nameBytes.last == 0 { nameBytes = nameBytes.dropLast() }  // the size counts the terminating null
        return (String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self), version, flags, datatypeSize, dataspaceSize)
    }

    /// The attribute's elements as strings (see `HDF5Object.stringsAttribute`).
    func strings(in source: HDF5Source) throws -> [String] {
        let count = dataspace.elementCount
        guard datatype.isString else {
            if count == 0 { return [] }
            throw HDF5Error("attribute \(quoted(name)) holds \(count) non-string values where strings were expected")
        }
        if count == 0 { return [] }
        switch datatype {
        case .fixedString(_, _, let charset), .variableString(_, let charset):
            guard charset == 0 || charset == 1 else {
                throw HDF5Error("attribute \(quoted(name)) has a string character set HDF5 does not define (\(charset))")
            }
        default: break
        }
        let elementSize = datatype.elementSize(source.sizes)
        let (needed, overflow) = count.multipliedReportingOverflow(by: elementSize)
        guard !overflow, needed <= data.remaining else {
            throw HDF5Error("corrupt file: attribute \(quoted(name)) claims \(count) strings but holds \(data.remaining) bytes")
        }
        let encoded: [[UInt8]]
        do {
            encoded = try encodedStrings(count: count, in: source)
        } catch let error as HDF5Error {
            throw HDF5Error("cannot read attribute \(quoted(name)) (\(error))")
        }
        return try encoded.map { bytes in
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw HDF5Error("attribute \(quoted(name)) holds bytes that are not UTF-8 text")
            }
            return text
        }
    }

    /// The bytes of each of the `count` strings, cut at the first null (and,
    /// space-padded, without trailing spaces), as libhdf5 converts them to null-padded strings.
    private func encodedStrings(count: Int, in source: HDF5Source) throws -> [[UInt8]] {
        var cursor = data
        var encoded: [[UInt8]] = []
        encoded.reserveCapacity(count)
        for _ in 0..<count {
            switch datatype {
            case .fixedString(let size, let padding, _):
                var bytes = try cursor.copy(size)[...]
                if padding == .spacePadded { while bytes.last == 0x20 { bytes = bytes.dropLast() } }
                encoded.append(Array(bytes.prefix { $0 != 0 }))
            case .variableString:
                let length = Int(try cursor.uint32())
                let collection = try cursor.address()
                let index = Int(try cursor.uint32())
                guard let collection else {
                    encoded.append([])  // a null string
                    continue
                }
                let object = try source.globalHeapObject(collection: collection, index: index)
                guard length <= object.count else {
                    throw HDF5Error("corrupt file: string \(encoded.count) claims \(length) bytes; its heap object holds \(object.count)")
                }
                let bytes = source.bytes[object.lowerBound..<(object.lowerBound + length)]
                encoded.append(Array(bytes.prefix { $0 != 0 }))
            default:
                preconditionFailure("strings of a non-string type")
            }
        }
        return encoded
    }
}
