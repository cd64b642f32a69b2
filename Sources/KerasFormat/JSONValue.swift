import FileIO
import Foundation

/// A parsed JSON value: the Keras model config is read into this, then decoded
/// field by field with errors that name the field.
enum JSONValue: Decodable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    /// Parses JSON text; nil when it is not valid JSON.
    static func parse(_ text: Data) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: text)
    }

    var string: String? { if case let .string(value) = self { value } else { nil } }
    var number: Double? { if case let .number(value) = self { value } else { nil } }
    var array: [JSONValue]? { if case let .array(value) = self { value } else { nil } }
    var object: [String: JSONValue]? { if case let .object(value) = self { value } else { nil } }
    var isNull: Bool { if case .null = self { true } else { false } }

    /// The largest magnitude any count, size, index or axis in a config may
    /// have: 2³¹. No real layer has an extent, a kernel, a stride or a padding
    /// near it, and products of two such numbers cannot overflow `Int`.
    static let integerLimit = 1 << 31

    /// The range config integers are held to unless a reader states a narrower one.
    static let integerRange = -integerLimit...integerLimit

    /// The whole number this value holds if it lies in `range` (never wider than
    /// `integerRange`); nil for anything else. Every config number read as an
    /// `Int` goes through here, so `1e300` is refused instead of trapping.
    func integer(in range: ClosedRange<Int> = integerRange) -> Int? {
        let range = range.clamped(to: Self.integerRange)
        guard case let .number(value) = self, value.rounded() == value,
              value >= Double(range.lowerBound), value <= Double(range.upperBound) else { return nil }
        return Int(value)
    }

    /// The value as a config writes it, for error messages (`1e+300`, `"same"`).
    var quoted: String {
        switch self {
        case .null: "null"
        case let .bool(flag): String(flag)
        case let .number(value): value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case let .string(text): "\"\(shortened(text))\""
        case .array: "a list"
        case .object: "an object"
        }
    }
}

/// One JSON object of a layer's config, with typed accessors whose errors say
/// which layer and which key is wrong.
struct ConfigObject {
    let values: [String: JSONValue]
    /// Names the object in errors: `layer 'dense' (Dense)`.
    let context: String

    init(_ values: [String: JSONValue], context: String) {
        self.values = values
        self.context = context
    }

    subscript(key: String) -> JSONValue? {
        guard let value = values[key], !value.isNull else { return nil }
        return value
    }

    func error(_ problem: String) -> KerasConfigError { KerasConfigError("\(context): \(problem)") }

    func string(_ key: String) throws -> String {
        guard let value = self[key]?.string else { throw error("\(quoted(key)) is missing or not a string") }
        return value
    }

    /// The whole number under `key`, which must lie in `range`.
    func int(_ key: String, in range: ClosedRange<Int> = JSONValue.integerRange) throws -> Int {
        guard let value = self[key] else { throw error("'\(key)' is missing") }
        return try integer(value, key, in: range)
    }

    /// `value`, found under `key`, as a whole number in `range`; else an error
    /// naming the layer and the key and quoting the value.
    func integer(_ value: JSONValue, _ key: String, in range: ClosedRange<Int> = JSONValue.integerRange) throws -> Int {
        guard let number = value.integer(in: range) else {
            let bounds = range.clamped(to: JSONValue.integerRange)
            throw error("'\(key)' is \(value.quoted), not a whole number from \(bounds.lowerBound) to \(bounds.upperBound)")
        }
        return number
    }

    func float(_ key: String, default fallback: Float) throws -> Float {
        guard let value = self[key] else { return fallback }
        guard let number = value.number else { throw error("\(quoted(key)) is not a number") }
        return Float(number)
    }

    func optionalFloat(_ key: String) throws -> Float? {
        guard let value = self[key] else { return nil }
        guard let number = value.number else { throw error("\(quoted(key)) is not a number") }
        return Float(number)
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let value = self[key] else { return fallback }
        guard case let .bool(flag) = value else { throw error("\(quoted(key)) is not true or false") }
        return flag
    }

    /// A number or a list of numbers, as a list.
    func floats(_ key: String, default fallback: [Float]) throws -> [Float] {
        guard let value = self[key] else { return fallback }
        if let number = value.number { return [Float(number)] }
        guard let list = value.array, let numbers = Optional(list.compactMap(\.number)), numbers.count == list.count else {
            throw error("\(quoted(key)) is not a number or a list of numbers")
        }
        return numbers.map { Float($0) }
    }

    /// A list of whole numbers in `range`; nulls (None, the batch axis) become -1.
    func ints(_ key: String, in range: ClosedRange<Int> = JSONValue.integerRange) throws -> [Int]? {
        guard let value = self[key] else { return nil }
        guard let list = value.array else { throw error("'\(key)' is not a list") }
        guard list.count <= Self.listLimit else { throw error("'\(key)' lists \(list.count) numbers, over the limit of \(Self.listLimit)") }
        return try list.map { item in item.isNull ? -1 : try integer(item, key, in: range) }
    }

    /// The most numbers a shape, axis or size list may hold: no tensor has this many axes.
    static let listLimit = 64

    /// A whole number or a list of them (Keras's `axis`), as a list; nil when absent.
    func intOrInts(_ key: String, in range: ClosedRange<Int> = JSONValue.integerRange) throws -> [Int]? {
        guard let value = self[key] else { return nil }
        return value.array != nil ? try ints(key, in: range) : [try int(key, in: range)]
    }

    /// The positive whole numbers under `key`, given alone or as a list.
    private func positiveInts(_ key: String) throws -> [Int] {
        try intOrInts(key, in: 1...JSONValue.integerLimit) ?? []
    }

    /// A positive whole number or a list of two (Keras's `kernel_size`, `strides`, …) as a pair.
    func pair(_ key: String, default fallback: (Int, Int)? = nil) throws -> (Int, Int) {
        guard self[key] != nil else {
            if let fallback { return fallback }
            throw error("\(quoted(key)) is missing")
        }
        let values = try positiveInts(key)
        switch values.count {
        case 1: return (values[0], values[0])
        case 2: return (values[0], values[1])
        default: throw error("'\(key)' must be a positive number or a pair of them")
        }
    }

    /// A positive whole number given alone or as a one-element list (Conv1D's `kernel_size: [3]`).
    func int1(_ key: String, default fallback: Int?) throws -> Int {
        guard self[key] != nil else {
            if let fallback { return fallback }
            throw error("\(quoted(key)) is missing")
        }
        let values = try positiveInts(key)
        guard values.count == 1 else { throw error("'\(key)' must be one positive number") }
        return values[0]
    }

    func object(_ key: String) -> ConfigObject? {
        self[key]?.object.map { ConfigObject($0, context: context) }
    }
}

/// A model config LayerLens cannot decode: a missing key, a wrong type, an unsupported layer.
public struct KerasConfigError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
