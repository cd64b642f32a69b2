import ModelGraph

/// An array read from a `.npy` file, in C order whatever order it was stored in.
public struct NumPyArray: Sendable {
    /// The element types LayerLens reads (NumPy's `descr` without byte order).
    public enum Storage: Sendable {
        case float32([Float])
        case float64([Double])
        case uint8([UInt8])
        case int32([Int32])
        case int64([Int64])
        case bool([Bool])
    }

    /// The extent of each axis; `[]` for a scalar.
    public let shape: [Int]
    public let storage: Storage

    public init(shape: [Int], storage: Storage) {
        self.shape = shape
        self.storage = storage
    }

    /// The NumPy name of the element type (`float32`, `uint8`, …).
    public var dtypeName: String {
        switch storage {
        case .float32: "float32"
        case .float64: "float64"
        case .uint8: "uint8"
        case .int32: "int32"
        case .int64: "int64"
        case .bool: "bool"
        }
    }

    /// Every element converted to Float (bool as 0/1).
    public var floats: [Float] {
        switch storage {
        case let .float32(values): values
        case let .float64(values): values.map { Float($0) }
        case let .uint8(values): values.map { Float($0) }
        case let .int32(values): values.map { Float($0) }
        case let .int64(values): values.map { Float($0) }
        case let .bool(values): values.map { $0 ? 1 : 0 }
        }
    }

    /// The elements in `range` (C order) converted to Float.
    public func floats(elements range: Range<Int>) -> [Float] {
        switch storage {
        case let .float32(values): Array(values[range])
        case let .float64(values): values[range].map { Float($0) }
        case let .uint8(values): values[range].map { Float($0) }
        case let .int32(values): values[range].map { Float($0) }
        case let .int64(values): values[range].map { Float($0) }
        case let .bool(values): values[range].map { $0 ? 1 : 0 }
        }
    }

    /// Every element as an integer; floats must be whole numbers, else nil.
    public var integers: [Int]? {
        switch storage {
        case let .float32(values): values.allSatisfy { $0.rounded() == $0 && abs($0) < 1e15 } ? values.map { Int($0) } : nil
        case let .float64(values): values.allSatisfy { $0.rounded() == $0 && abs($0) < 1e15 } ? values.map { Int($0) } : nil
        case let .uint8(values): values.map { Int($0) }
        case let .int32(values): values.map { Int($0) }
        case let .int64(values): values.map { Int($0) }
        case let .bool(values): values.map { $0 ? 1 : 0 }
        }
    }

    /// The array as a float32 tensor of the same shape.
    public var tensor: Tensor { Tensor(shape: shape, scalars: floats) }
}
