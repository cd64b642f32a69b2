import FileIO

/// Which of a model's nodes to show, as a user writes it: comma-separated terms,
/// each a node name or a glob (`conv5_*`, `*_bn`; `*` is any run of characters,
/// `?` one character), an index range (`10:20`, end exclusive, `:5`, `170:`,
/// negative bounds counting from the end, as Python slices), a single index
/// (`12`, `-1`), a class (`class:Conv2D`, the node's `typeName`; globs too) or the
/// last nodes (`last:5`).
public struct LayerSelector: Sendable, Equatable, CustomStringConvertible {
    /// One comma-separated term and what it selects.
    public struct Term: Sendable, Equatable {
        /// What a term selects.
        public enum Kind: Sendable, Equatable {
            /// Nodes whose name matches this glob; a plain name matches itself.
            case name(String)
            /// Nodes `start..<end` as a Python slice: nil for an open end,
            /// a negative bound counts from the end.
            case range(start: Int?, end: Int?)
            /// One node; a negative index counts from the end.
            case index(Int)
            /// Nodes whose `typeName` matches this glob.
            case className(String)
            /// The last this many nodes.
            case last(Int)
        }

        /// The term as written, trimmed.
        public let text: String
        public let kind: Kind
    }

    /// The selector as written, trimmed.
    public let text: String
    public let terms: [Term]

    public var description: String { text }

    /// Parses a selector; throws `LayerSelectorError` naming the first empty or malformed term.
    public init(parsing text: String) throws {
        self.text = text.trimmingSpaces
        terms = try text.split(separator: ",", omittingEmptySubsequences: false).enumerated().map { position, part in
            let term = String(part).trimmingSpaces
            guard !term.isEmpty else { throw LayerSelectorError.emptyTerm(position: position + 1) }
            return Term(text: term, kind: try Self.kind(of: term))
        }
    }

    /// The nodes of `model` the terms select, in model order, each once. Throws
    /// `LayerSelectorError.unmatchedTerm` for the first term that selects no node.
    public func select(in model: Model) throws -> LayerSelection {
        try select(names: model.nodes.map(\.name), typeNames: model.nodes.map(\.typeName))
    }

    /// The layers the terms select among layers known by name and type name
    /// (parallel arrays, in model order), as `select(in:)` does for a model's nodes.
    public func select(names: [String], typeNames: [String]) throws -> LayerSelection {
        var chosen = Set<Int>()
        for term in terms {
            let indexes = Self.indexes(of: term.kind, names: names, typeNames: typeNames)
            guard !indexes.isEmpty else { throw LayerSelectorError.unmatchedTerm(term: term.text, nodeCount: names.count) }
            chosen.formUnion(indexes)
        }
        return LayerSelection(selector: self, nodeIndexes: chosen.sorted(), nodeCount: names.count)
    }

    // MARK: - Parsing

    static func kind(of term: String) throws -> Term.Kind {
        if let pattern = term.removingPrefix("class:") {
            guard !pattern.isEmpty else { throw LayerSelectorError.malformedTerm(term: term, reason: "class: needs a class name") }
            return .className(pattern)
        }
        if let count = term.removingPrefix("last:") {
            guard let number = try integer(count, in: term), number > 0 else {
                throw LayerSelectorError.malformedTerm(term: term, reason: "last: needs a whole number of layers, 1 or more")
            }
            return .last(number)
        }
        if let colon = term.firstIndex(of: ":") {
            let start = String(term[..<colon]), end = String(term[term.index(after: colon)...])
            guard !end.contains(":"), start.isEmpty || isInteger(start), end.isEmpty || isInteger(end) else {
                throw LayerSelectorError.malformedTerm(term: term, reason: "a range is START:END with whole numbers, either one left out")
            }
            return .range(start: try integer(start, in: term), end: try integer(end, in: term))
        }
        if isInteger(term), let index = try integer(term, in: term) { return .index(index) }
        return .name(term)
    }

    /// Whether `text` is an optional minus and decimal digits.
    static func isInteger(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// `text` as an Int: nil when empty or not a whole number; throws when it is one too large for an index.
    static func integer(_ text: String, in term: String) throws -> Int? {
        guard isInteger(text) else { return nil }
        guard let number = Int(text) else { throw LayerSelectorError.numberOutOfRange(term: term, number: text) }
        return number
    }

    // MARK: - Matching

    static func indexes(of kind: Term.Kind, names: [String], typeNames: [String]) -> [Int] {
        let count = names.count
        switch kind {
        case let .name(pattern):
            return names.indices.filter { globMatches(pattern, names[$0]) }
        case let .className(pattern):
            return typeNames.indices.filter { globMatches(pattern, typeNames[$0]) }
        case let .range(start, end):
            let lower = sliceBound(start, count: count) ?? 0, upper = sliceBound(end, count: count) ?? count
            return lower < upper ? Array(lower..<upper) : []
        case let .index(index):
            let resolved = index < 0 ? count + index : index
            return names.indices.contains(resolved) ? [resolved] : []
        case let .last(number):
            return Array(max(0, count - number)..<count)
        }
    }

    /// A Python slice bound clamped into 0...count; a negative one counts from the end.
    static func sliceBound(_ bound: Int?, count: Int) -> Int? {
        bound.map { $0 < 0 ? max(0, count + $0) : min($0, count) }
    }

    /// Whether `name` matches `pattern`, where `*` is any run of characters and `?` one character.
    static func globMatches(_ pattern: String, _ name: String) -> Bool {
        let pattern = Array(pattern), name = Array(name)
        var p = 0, n = 0
        var lastStar: (pattern: Int, name: Int)?
        while n < name.count {
            if p < pattern.count, pattern[p] == "*" {
                lastStar = (p, n)
                p += 1
            } else if p < pattern.count, pattern[p] == "?" || pattern[p] == name[n] {
                p += 1
                n += 1
            } else if let star = lastStar {
                // Let the last star take one more character and retry from there.
                lastStar = (star.pattern, star.name + 1)
                p = star.pattern + 1
                n = star.name + 1
            } else {
                return false
            }
        }
        return pattern[p...].allSatisfy { $0 == "*" }
    }
}

/// The nodes a `LayerSelector` chose in one model, in model order.
public struct LayerSelection: Sendable, Equatable, CustomStringConvertible {
    public let selector: LayerSelector
    /// Indexes into the model's nodes, ascending, each once.
    public let nodeIndexes: [Int]
    /// How many nodes the model has.
    public let nodeCount: Int

    /// `conv5_* (12 of 176)`.
    public var description: String { "\(selector) (\(nodeIndexes.count) of \(nodeCount))" }
}

/// Why a layer selector cannot be used; each case names the term.
public enum LayerSelectorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The selector, or the term at this 1-based position, is empty.
    case emptyTerm(position: Int)
    /// A term that is no name, glob, index, range, `class:` or `last:` term.
    case malformedTerm(term: String, reason: String)
    /// A number in the term too large for an index.
    case numberOutOfRange(term: String, number: String)
    /// A well-formed term that selects none of the model's `nodeCount` nodes.
    case unmatchedTerm(term: String, nodeCount: Int)

    public var description: String {
        switch self {
        case let .emptyTerm(position): "term \(position) is empty"
        case let .malformedTerm(term, reason): "'\(term)': \(reason)"
        case let .numberOutOfRange(term, number): "'\(term)': \(number) is out of range"
        case let .unmatchedTerm(term, nodeCount): "\(quoted(term)) matches none of the model's \(nodeCount) layers"
        }
    }
}

private extension String {
    var trimmingSpaces: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }

    /// The rest of the string after `prefix`, or nil when it does not start with it.
    func removingPrefix(_ prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}
