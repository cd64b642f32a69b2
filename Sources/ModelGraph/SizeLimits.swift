import Foundation

/// The most a model file may make LayerLens allocate, checked before anything
/// is allocated: a file can declare any size, so every size it declares is
/// held to these.
public enum SizeLimits {
    /// Most elements one sample of a model input may have: 2^31 (8 GiB of
    /// floats). Real inputs are far smaller (a 4K RGB image is 25 million).
    public static let sampleElements = 1 << 31

    /// Most elements one stored weight array may have: 2^30 (4 GiB of floats),
    /// eight times the largest kernel of the Keras applications (VGG16's first
    /// Dense, 102,760,448).
    public static let weightElements = 1 << 30

    /// Most elements all of one model's stored weights may have together: 2^32
    /// (17 GB of floats), 120 times ResNet50's and 30 times VGG16's.
    public static let modelWeightElements = 1 << 32

    /// Most bytes all the layer outputs of one trace may hold together (the
    /// sum over layers of output elements × batch × 4 bytes): 4 GB, a sixth of
    /// a 24 GB machine's memory, and 30 times what ResNet50 needs for one 224×224 image.
    public static let traceBytes = 4_000_000_000

    /// Most elements a stored byte can expand to: deflate, the only compression
    /// Keras files use, cannot exceed about 1032:1, and an element takes at least
    /// one byte. A dataset declaring more than this times its stored bytes is a
    /// shape the file does not hold.
    public static let elementsPerStoredByte = 1032

    /// The number of elements of `shape`, or nil when an extent is negative or
    /// the product overflows `Int`.
    public static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for extent in shape {
            guard extent >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// `bytes` for messages, in decimal units: `17.2 GB`, `512 bytes`.
    public static func byteDescription(_ bytes: Double) -> String {
        if bytes < 1000 { return "\(Int(bytes)) bytes" }
        let units = ["KB", "MB", "GB", "TB", "PB", "EB"]
        var value = bytes / 1000, unit = 0
        while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
        return String(format: "%.1f %@", value, units[unit])
    }
}

/// The layer outputs of a batch, added up layer by layer, so that a shape too
/// large to trace is refused before anything of its size is allocated.
public struct OutputBudget {
    /// The samples each output holds.
    public let batch: Int
    /// The most bytes the outputs may take together.
    public let limit: Int
    /// The elements charged so far.
    public private(set) var elements = 0

    /// A budget for outputs of `batch` samples (shape inference charges one) of at most `limit` bytes.
    public init(batch: Int = 1, limit: Int = SizeLimits.traceBytes) {
        self.batch = batch
        self.limit = limit
    }

    /// Adds the output sample shape `shape` of `layer`; throws a `LayerError`
    /// when an extent is negative, the product overflows, or the total passes `limit`.
    public mutating func charge(_ shape: [Int], of layer: any Layer) throws {
        let output = "its output of shape \(shapeDescription([batch] + shape))"
        guard let count = SizeLimits.elementCount([batch] + shape) else { throw LayerError(layer, "\(output) is impossible") }
        let bytes = Double(count) * Double(MemoryLayout<Float>.size)
        let total = Double(elements) * Double(MemoryLayout<Float>.size) + bytes
        guard total <= Double(limit) else {
            throw LayerError(layer, "would need \(SizeLimits.byteDescription(bytes)) for \(output)"
                + (elements > 0 ? " (\(SizeLimits.byteDescription(total)) with the layers before it)" : "")
                + "; the limit is \(SizeLimits.byteDescription(Double(limit)))")
        }
        elements += count
    }
}
