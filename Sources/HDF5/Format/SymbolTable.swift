/// The members of an old-style group (h5py's default): a version-1 B-tree
/// (`TREE`, type 0) whose leaves are symbol table nodes (`SNOD`), each entry
/// naming its member by an offset into the group's local heap (`HEAP`).
struct SymbolTable {
    /// One member: its name, and its object header address, or nil for a soft link.
    struct Entry {
        let name: String
        let address: UInt64?
    }

    let entries: [Entry]

    /// The deepest B-tree LayerLens follows; HDF5 never writes one nearly this deep.
    static let depthLimit = 64

    init(_ body: ByteCursor, in source: HDF5Source) throws {
        var cursor = body
        guard let treeAddress = try cursor.address(), let heapAddress = try cursor.address() else {
            throw HDF5Error("corrupt file: \(body.what) names an undefined group B-tree or heap")
        }
        let names = try LocalHeap(at: heapAddress, in: source)
        var entries: [Entry] = []
        var visited: Set<UInt64> = []
        try Self.collect(node: treeAddress, depth: 0, names: names, source: source, visited: &visited, into: &entries)
        self.entries = entries
    }

    private static func collect(node address: UInt64, depth: Int, names: LocalHeap, source: HDF5Source,
                                visited: inout Set<UInt64>, into entries: inout [Entry]) throws {
        let what = "group B-tree node at address \(address)"
        guard depth <= depthLimit, visited.insert(address).inserted else {
            throw HDF5Error("corrupt file: \(what) is reached twice (the tree loops)")
        }
        var cursor = try source.cursor(at: address, what: what)
        try cursor.signature("TREE")
        guard try cursor.uint8() == 0 else { throw HDF5Error("corrupt file: \(what) is not a group node") }
        let level = Int(try cursor.uint8())
        let used = Int(try cursor.uint16())
        try cursor.skip(2 * source.sizes.offset)  // siblings
        // Keys (heap offsets) and children alternate: key 0, child 0, key 1, …, child n-1, key n.
        try cursor.require(used * (source.sizes.length + source.sizes.offset))
        var children: [UInt64] = []
        for _ in 0..<used {
            try cursor.skip(source.sizes.length)
            guard let child = try cursor.address() else { throw HDF5Error("corrupt file: \(what) has an undefined child") }
            children.append(child)
        }
        for child in children {
            if level > 0 {
                try collect(node: child, depth: depth + 1, names: names, source: source, visited: &visited, into: &entries)
            } else {
                guard visited.insert(child).inserted else { throw HDF5Error("corrupt file: \(what) lists a symbol node twice") }
                try readSymbolNode(at: child, names: names, source: source, into: &entries)
            }
        }
    }

    private static func readSymbolNode(at address: UInt64, names: LocalHeap, source: HDF5Source, into entries: inout [Entry]) throws {
        let what = "symbol table node at address \(address)"
        var cursor = try source.structure(at: address, signature: "SNOD", version: 1, what: what)
        try cursor.skip(1)
        let count = Int(try cursor.uint16())
        for _ in 0..<count {
            let nameOffset = try cursor.length()
            let objectAddress = try cursor.address()
            let cacheType = try cursor.uint32()
            try cursor.skip(4 + 16)  // reserved, scratch pad
            let name = try names.string(at: nameOffset)
            entries.append(Entry(name: name, address: cacheType == 2 ? nil : objectAddress))
        }
    }
}

/// A local heap (`HEAP`): the null-terminated names of an old-style group's members.
struct LocalHeap {
    let data: ByteCursor

    init(at address: UInt64, in source: HDF5Source) throws {
        let what = "local heap at address \(address)"
        var cursor = try source.structure(at: address, signature: "HEAP", version: 0, what: what)
        try cursor.skip(3)
        let size = try cursor.length(limit: source.bytes.count, "bytes")
        try cursor.skip(source.sizes.length)  // free list
        guard let dataAddress = try cursor.address() else { throw HDF5Error("corrupt file: \(what) has no data segment") }
        data = try source.cursor(at: dataAddress, count: size, what: "data of \(what)")
    }

    /// The null-terminated string at `offset` of the data segment.
    func string(at offset: UInt64) throws -> String {
        guard offset < UInt64(data.remaining) else { throw HDF5Error("corrupt file: a name lies past the end of \(data.what)") }
        let start = data.start + Int(offset)
        let bytes = data.bytes[start..<data.end]
        guard let terminator = bytes.firstIndex(of: 0) else { throw HDF5Error("corrupt file: a name in \(data.what) has no end") }
        return String(decoding: bytes[start..<terminator], as: UTF8.self)
    }
}
