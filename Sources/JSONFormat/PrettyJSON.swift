import Foundation

/// `value` as a Double, or nil when it is NaN or infinite (JSON has no such numbers).
public func finite<Value: BinaryFloatingPoint>(_ value: Value) -> Double? {
    value.isFinite ? Double(value) : nil
}

/// JSON with sorted keys and indentation, as LayerLens writes its manifests;
/// `snakeCaseKeys` turns Swift's camel-case property names into snake case.
public func prettyJSON<Value: Encodable>(_ value: Value, snakeCaseKeys: Bool = false) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    if snakeCaseKeys { encoder.keyEncodingStrategy = .convertToSnakeCase }
    return try encoder.encode(value)
}
