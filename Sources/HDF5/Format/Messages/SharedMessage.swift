/// A message stored once in another object's header and pointed at by each
/// object that shares it — in Keras files, a committed (named) datatype. Only
/// object-header sharing is read; messages in a shared-message heap are refused.
enum SharedMessage {
    /// The body of the message of `type` that the shared-message reference in `reference` points at.
    static func resolve(_ reference: ByteCursor, type: UInt16, in source: HDF5Source) throws -> ByteCursor {
        var cursor = reference
        let version = try cursor.uint8()
        let kind = try cursor.uint8()
        switch version {
        case 1: try cursor.skip(6)
        case 2: break
        case 3:
            guard kind == 2 else { throw HDF5Error("\(cursor.what) shares a message through a shared-message heap, which LayerLens does not read") }
        default:
            throw HDF5Error("corrupt file: \(cursor.what) has shared message version \(version)")
        }
        guard let address = try cursor.address() else { throw HDF5Error("corrupt file: \(cursor.what) shares a message at an undefined address") }
        let header = try ObjectHeader(at: address, in: source)
        guard let message = header.message(type), !message.isShared else {
            throw HDF5Error("corrupt file: \(cursor.what) shares a message that the object at address \(address) does not hold")
        }
        return try source.cursor(over: message.body, what: "\(reference.what) (shared from address \(address))")
    }
}
