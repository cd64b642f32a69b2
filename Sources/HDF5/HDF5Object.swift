import FileIO

/// An object of an open HDF5 file (group or dataset): its header's messages and its attributes.
public class HDF5Object: @unchecked Sendable {
    let header: ObjectHeader
    /// Keeps the file's bytes alive while the object is in use.
    let file: HDF5File

    init(header: ObjectHeader, file: HDF5File) throws {
        self.header = header
        self.file = file
        for message in header.messages where message.flags & 0x80 != 0 && !Self.knownMessages.contains(message.type) {
            throw HDF5Error("object header at address \(header.address) has message type \(message.type), which must be understood to read it")
        }
    }

    /// The message types this reader knows (or knows it may skip).
    private static let knownMessages: Set<UInt16> = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x10, 0x11, 0x12, 0x15, 0x16]

    var source: HDF5Source { file.source }

    /// A cursor over the body of `message` (`HDF5Source.body(of:what:)`), named `what` of this object's header.
    func body(_ message: HeaderMessage, _ what: String) throws -> ByteCursor {
        try source.body(of: message, what: "\(what) of the object header at address \(header.address)")
    }

    /// An attribute message's body with its name, the rest read only when the attribute is.
    private struct NamedAttribute {
        let name: String
        let body: ByteCursor
    }

    /// The attributes by name, read once.
    private let attributes = ReadOnce<NamedEntries<NamedAttribute>>()

    /// The attributes, read the first time they are asked for.
    private func attributeEntries() throws -> NamedEntries<NamedAttribute> {
        try attributes.get { NamedEntries(try readAttributes(), name: \.name) }
    }

    /// Every attribute message: those in the header, then those in dense storage.
    private func readAttributes() throws -> [NamedAttribute] {
        let named = { (body: ByteCursor) in NamedAttribute(name: try AttributeMessage.name(of: body), body: body) }
        var attributes = try header.messages(HeaderMessage.Kind.attribute).map { message in
            try named(try body(message, "an attribute"))
        }
        if let info = header.message(HeaderMessage.Kind.attributeInfo) {
            let dense = try DenseStorageInfo(try body(info, "the attribute info"), creationIndexBytes: 2)
            if let heap = dense.heapAddress, let index = dense.nameIndexAddress {
                attributes += try DenseStorage.objects(heapAddress: heap, nameIndexAddress: index, recordType: .attributeName,
                                                       in: source, what: "the attributes of the object at address \(header.address)")
                    .map(named)
            }
        }
        return attributes
    }

    /// The attribute named `name`, read whole.
    private func attribute(_ name: String) throws -> AttributeMessage {
        guard let attribute = try attributeEntries()[name] else {
            throw HDF5Error("cannot open attribute \(quoted(name)): there is none")
        }
        return try AttributeMessage(attribute.body, in: source)
    }

    /// Whether this object carries attribute `name`, judged by the attributes'
    /// names alone (so that reading a damaged one reports the damage); false
    /// when not even the names can be read.
    public func hasAttribute(_ name: String) -> Bool {
        (try? attributeEntries()[name] != nil) ?? false
    }

    /// The names of this object's attributes, in name order (byte by byte);
    /// throws when any attribute cannot be read, as libhdf5 does.
    public func attributeNames() throws -> [String] {
        let entries = try attributeEntries()
        for entry in entries.entries { _ = try AttributeMessage(entry.body, in: source) }
        return entries.sortedNames
    }

    /// Attribute `name` as a list of strings. Every kind of string attribute
    /// Keras files carry is read: variable- or fixed-length (a space-padded one
    /// loses its trailing spaces), ASCII or UTF-8 charset, a scalar (one
    /// element) or an array (each element). An empty numeric array, which Keras
    /// writes for "no names", gives none. The bytes must be UTF-8 (ASCII included).
    public func stringsAttribute(_ name: String) throws -> [String] {
        try attribute(name).strings(in: source)
    }

    /// Attribute `name` as one string: a scalar or a one-element array.
    public func stringAttribute(_ name: String) throws -> String {
        let values = try stringsAttribute(name)
        guard values.count == 1 else {
            throw HDF5Error("attribute \(quoted(name)) holds \(values.count) strings where one was expected")
        }
        return values[0]
    }
}
