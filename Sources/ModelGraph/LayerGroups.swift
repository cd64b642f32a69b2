/// A run of consecutive nodes that belong together in a model's own structure:
/// the layers of a nested model, of a Keras block (`conv5_block3_*`,
/// `block_12_*`, `block6a_*`), of a named stage (`conv1_*`, `stem_*`), or a
/// stretch of unnamed layers at one spatial resolution.
public struct LayerGroup: Sendable, Equatable {
    /// The name shared by the members (`conv5_block3`, `encoder`), or a
    /// description of the stretch (`56×56`) when they share none.
    public let title: String
    /// Whether the title is a name from the model rather than a description.
    public let isNamed: Bool
    /// The member nodes, in model order.
    public let nodes: Range<Int>

    public init(title: String, isNamed: Bool, nodes: Range<Int>) {
        self.title = title
        self.isNamed = isNamed
        self.nodes = nodes
    }

    /// A member's name without the group's prefix (`1_conv` for
    /// `conv5_block3_1_conv`); the whole name when the group is unnamed.
    public func shortName(of name: String) -> String {
        guard isNamed, name.count > title.count, name.hasPrefix(title) else { return name }
        let rest = name.dropFirst(title.count).drop { $0 == "_" || $0 == "/" }
        return rest.isEmpty ? name : String(rest)
    }
}

extension Model {
    /// The model's nodes split into consecutive groups, in model order (see
    /// `LayerGroup.groups(names:shapes:)`).
    public var layerGroups: [LayerGroup] { LayerGroup.groups(names: nodes.map(\.name), shapes: outputShapes) }
}

extension LayerGroup {
    /// Layers known by name and output sample shape (parallel arrays, in model
    /// order) split into consecutive groups; every layer is in exactly one group.
    ///
    /// A node's group key is, first, the nested model it sits in (the path
    /// before the last `/`); else the name up to its block token (a `_`-separated
    /// token containing `block`, with the number after a bare `block`); else
    /// the name's first token, when the name has more than one and its last is
    /// not a number (`conv1_pad` → `conv1`, `stem_bn` → `stem`; `dense_3` has none). Consecutive nodes with
    /// one key form a named group when there are two or more of them; the
    /// remaining nodes form stages, a new one where the spatial size drops
    /// below the stage's smallest after two or more nodes at it.
    public static func groups(names: [String], shapes: [[Int]]) -> [LayerGroup] {
        let keys = names.map(groupKey(of:))
        var groups: [LayerGroup] = []
        var start = 0
        while start < names.count {
            var end = start + 1
            if let key = keys[start] {
                while end < names.count, keys[end] == key { end += 1 }
                if end - start >= 2 {
                    groups.append(LayerGroup(title: key, isNamed: true, nodes: start..<end))
                    start = end
                    continue
                }
            }
            // An unnamed stretch: runs until a named group of two or more begins,
            // or until a node works at a smaller spatial size than the two or
            // more nodes before it at the stretch's smallest (a new stage; the
            // padding before a strided layer and skip inputs are larger, and a
            // lone larger node at the start joins the stage after it).
            end = start
            var smallest = Int.max, countAtSmallest = 0
            while end < names.count, !(end > start && keys[end] != nil && end + 1 < names.count && keys[end + 1] == keys[end]) {
                let area = Self.spatialArea(of: shapes[end])
                if area < smallest {
                    if countAtSmallest >= 2 { break }
                    smallest = area
                    countAtSmallest = 0
                }
                if area == smallest { countAtSmallest += 1 }
                end += 1
            }
            let resolution = Self.resolution(of: shapes[(start..<end).first { Self.spatialArea(of: shapes[$0]) == smallest }!])
            groups.append(LayerGroup(title: resolution, isNamed: false, nodes: start..<end))
            start = end
        }
        return groups
    }

    /// The pixels of a map's spatial grid; 0 for a vector, which comes after every map.
    static func spatialArea(of shape: [Int]) -> Int {
        shape.count >= 3 ? shape.dropLast().reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue } : 0
    }

    /// How an unnamed stretch is titled: the spatial size of its smallest map
    /// (`56×56`), or `vectors`.
    static func resolution(of shape: [Int]) -> String {
        shape.count >= 3 ? shape.dropLast().map(String.init).joined(separator: "×") : "vectors"
    }

    /// The group key of a node's name, or nil when the name carries none.
    static func groupKey(of name: String) -> String? {
        if let slash = name.lastIndex(of: "/") { return String(name[..<slash]) }
        let tokens = name.split(separator: "_", omittingEmptySubsequences: false)
        if let block = tokens.indices.last(where: { $0 < tokens.count - 1 && tokens[$0].lowercased().contains("block") }) {
            let token = tokens[block]
            // A bare `block` takes the number after it (`block_12_expand` → `block_12`).
            let last = token.lowercased() == "block" && block + 1 < tokens.count - 1 && tokens[block + 1].allSatisfy(\.isNumber) ? block + 1 : block
            return tokens[...last].joined(separator: "_")
        }
        guard tokens.count >= 2, let final = tokens.last, !final.isEmpty, !final.allSatisfy(\.isNumber), !tokens[0].isEmpty else { return nil }
        return String(tokens[0])
    }
}
