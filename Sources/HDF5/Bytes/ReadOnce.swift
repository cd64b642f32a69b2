import Foundation

/// A value read from the file the first time it is asked for and kept: an
/// object's members or attributes, looked up many times (Keras asks for each
/// layer's group by name). Safe to share between threads; a failed read is not
/// kept, so asking again reports the failure again.
final class ReadOnce<Value>: @unchecked Sendable {
    private var value: Value?
    private let lock = NSLock()

    init() {}

    /// The value, made by `read` now if it has not been yet.
    func get(_ read: () throws -> Value) throws -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let value { return value }
        let made = try read()
        value = made
        return made
    }
}

/// Named entries (a group's members, an object's attributes) in file order, with
/// a lookup by name; when a corrupt file repeats a name, the first entry wins.
struct NamedEntries<Entry> {
    let entries: [Entry]
    private let indexByName: [String: Int]

    init(_ entries: [Entry], name: (Entry) -> String) {
        self.entries = entries
        var indexByName: [String: Int] = [:]
        for (index, entry) in entries.enumerated() where indexByName[name(entry)] == nil {
            indexByName[name(entry)] = index
        }
        self.indexByName = indexByName
    }

    subscript(name: some StringProtocol) -> Entry? {
        indexByName[String(name)].map { entries[$0] }
    }

    /// The names in name order, byte by byte (libhdf5's `H5_INDEX_NAME` order).
    var sortedNames: [String] {
        indexByName.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
