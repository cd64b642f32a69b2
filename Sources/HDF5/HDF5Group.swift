import FileIO

/// An HDF5 group: a folder of named groups and datasets. Old-style groups
/// (symbol tables) and new-style ones (link messages, compact or dense) are read.
public final class HDF5Group: HDF5Object, @unchecked Sendable {
    /// The group's path inside its file, for messages.
    public let path: String

    /// The group whose header is `header`, or nil when that object is not a group.
    init?(header: ObjectHeader, path: String, file: HDF5File) throws {
        let kinds = Set(header.messages.map(\.type))
        guard kinds.contains(HeaderMessage.Kind.symbolTable) || kinds.contains(HeaderMessage.Kind.linkInfo) else { return nil }
        self.path = path
        try super.init(header: header, file: file)
    }

    /// One member as the group stores it.
    private struct Member {
        let name: String
        let target: LinkMessage.Target
    }

    /// The members, read once.
    private let members = ReadOnce<NamedEntries<Member>>()

    /// The members, read the first time they are asked for.
    private func memberEntries() throws -> NamedEntries<Member> {
        try members.get { NamedEntries(try readMembers(), name: \.name) }
    }

    private func readMembers() throws -> [Member] {
        if let table = header.message(HeaderMessage.Kind.symbolTable) {
            return try SymbolTable(try body(table, "the symbol table"), in: source).entries.map { entry in
                Member(name: entry.name, target: entry.address.map(LinkMessage.Target.hard) ?? .soft)
            }
        }
        var links = try header.messages(HeaderMessage.Kind.link).map { try LinkMessage(try body($0, "a link")) }
        if let info = header.message(HeaderMessage.Kind.linkInfo) {
            let dense = try DenseStorageInfo(try body(info, "the link info"), creationIndexBytes: 8)
            if let heap = dense.heapAddress, let index = dense.nameIndexAddress {
                links += try DenseStorage.objects(heapAddress: heap, nameIndexAddress: index, recordType: .linkName,
                                                  in: source, what: "the links of group \(quoted(path))").map(LinkMessage.init)
            }
        }
        return links.map { Member(name: $0.name, target: $0.target) }
    }

    /// The object header of the member called `name`, reached by a hard link
    /// only; nil when there is no such member. Any other link is refused.
    private func memberHeader(_ name: Substring, childPath: String) throws -> ObjectHeader? {
        guard let member = try memberEntries()[name] else { return nil }
        let link = "link \(shortened(childPath))"
        switch member.target {
        case .hard(let address): return try ObjectHeader(at: address, in: source)
        case .external: throw HDF5Error("\(link) points into another file (external link); refused")
        case .soft: throw HDF5Error("\(link) names another path in the file, which may lead in a circle (soft link); refused")
        case .userDefined(let type): throw HDF5Error("\(link) is of a user-defined type \(type), resolved by code outside the file (user-defined link); refused")
        }
    }

    /// The object header at `relativePath` (`a/b/c`), looked up one component
    /// at a time, each through a group reached by a hard link; nil when absent.
    private func header(at relativePath: String) throws -> (ObjectHeader, String)? {
        var group: HDF5Group = self
        var header = self.header
        let components = relativePath.split(separator: "/")
        guard !components.isEmpty else { return nil }
        for (position, component) in components.enumerated() {
            let childPath = Self.joined(group.path, String(component))
            guard let child = try group.memberHeader(component, childPath: childPath) else { return nil }
            header = child
            if position < components.count - 1 {
                guard let next = try HDF5Group(header: child, path: childPath, file: file) else { return nil }
                group = next
            }
        }
        return (header, Self.joined(path, relativePath))
    }

    /// Whether `relativePath` (`a/b/c`) names a member below this group, looked
    /// up one component at a time through hard links only. A path that meets a
    /// link LayerLens does not follow (external, soft or user-defined), or a
    /// corrupt group, counts as present, so that opening it reports why it cannot be.
    public func contains(_ relativePath: String) -> Bool {
        do { return try header(at: relativePath) != nil } catch { return true }
    }

    /// The group at `relativePath`, reached through hard links only.
    public func group(_ relativePath: String) throws -> HDF5Group {
        let childPath = Self.joined(path, relativePath)
        guard let (header, path) = try header(at: relativePath) else { throw HDF5Error("no group \(quoted(childPath))") }
        guard let group = try HDF5Group(header: header, path: path, file: file) else { throw HDF5Error("\(quoted(childPath)) is not a group") }
        return group
    }

    /// The dataset at `relativePath`, reached through hard links only, and
    /// refused when its data would come from outside the file or through a
    /// filter Keras does not write.
    public func dataset(_ relativePath: String) throws -> HDF5Dataset {
        let childPath = Self.joined(path, relativePath)
        guard let (header, path) = try header(at: relativePath) else { throw HDF5Error("no dataset \(quoted(childPath))") }
        return try HDF5Dataset(header: header, path: path, file: file)
    }

    /// The names of the group's members, in name order (byte by byte). Listing
    /// reads the group's own links and follows none of them; opening a member checks its link.
    public func memberNames() throws -> [String] {
        try memberEntries().sortedNames
    }

    /// `relativePath` below the group at `groupPath`, as a path in the file.
    static func joined(_ groupPath: String, _ relativePath: String) -> String {
        groupPath == "/" ? "/" + relativePath : groupPath + "/" + relativePath
    }
}
