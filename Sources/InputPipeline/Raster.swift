import ModelGraph

/// An image as floats, height × width × channels (1 = grey, 3 = RGB), row-major,
/// with the value range its values are meant to span (0...255 when decoded).
/// A decoded 8-bit image keeps its bytes and reads them as floats on demand: a
/// 10,000 × 10,000 photo is 300 MB as bytes, 1.2 GB as floats. Greyscale, resizing
/// and statistics read the bytes directly; other steps make floats.
public struct Raster: Sendable {
    public var height: Int
    public var width: Int
    public var channels: Int
    private var storage: Storage
    /// The nominal range of the values (not their min/max): 0...255 after
    /// decoding, 0...1 after `scale=1/255`, and so on through the pipeline.
    public var range: ClosedRange<Float>

    private enum Storage: Sendable {
        case floats([Float])
        case bytes([UInt8])
    }

    public init(height: Int, width: Int, channels: Int, values: [Float], range: ClosedRange<Float> = 0...255) {
        precondition(values.count == height * width * channels, "raster size mismatch")
        self.height = height
        self.width = width
        self.channels = channels
        self.storage = .floats(values)
        self.range = range
    }

    /// A decoded 8-bit image, its bytes kept as they are; its range is 0...255.
    public init(height: Int, width: Int, channels: Int, bytes: [UInt8]) {
        precondition(bytes.count == height * width * channels, "raster size mismatch")
        self.height = height
        self.width = width
        self.channels = channels
        self.storage = .bytes(bytes)
        self.range = 0...255
    }

    /// `height × width × channels` values, channels last (made from the bytes, when stored as bytes).
    public var values: [Float] {
        get {
            switch storage {
            case let .floats(values): values
            case let .bytes(bytes): [Float].large(count: bytes.count) { values in
                bytes.withUnsafeBufferPointer { bytes in for index in bytes.indices { values[index] = Float(bytes[index]) } }
            }
            }
        }
        set { storage = .floats(newValue) }
    }

    /// The bytes of a decoded 8-bit image; nil once it holds floats.
    public var bytes: [UInt8]? {
        if case let .bytes(bytes) = storage { bytes } else { nil }
    }

    /// The value at row `y`, column `x`, channel `c`.
    @inline(__always) public subscript(y: Int, x: Int, c: Int) -> Float {
        get {
            switch storage {
            case let .floats(values): values[(y * width + x) * channels + c]
            case let .bytes(bytes): Float(bytes[(y * width + x) * channels + c])
            }
        }
        set {
            var floats = values  // bytes become floats here, once
            storage = .floats([])  // drops the stored reference, so the write below is in place, not a copy
            floats[(y * width + x) * channels + c] = newValue
            storage = .floats(floats)
        }
    }

    /// The shape as NumPy would print it: `(H, W)` for grey, `(H, W, 3)` for colour.
    public var shape: [Int] { channels == 1 ? [height, width] : [height, width, channels] }

    /// How many samples hold each value 0...255, for a raster stored as bytes.
    public var byteCounts: [Int]? {
        guard let bytes else { return nil }
        var counts = [Int](repeating: 0, count: 256)
        bytes.withUnsafeBufferPointer { bytes in
            counts.withUnsafeMutableBufferPointer { counts in for byte in bytes { counts[Int(byte)] += 1 } }
        }
        return counts
    }

    /// Min, max, mean and non-finite count of the values (from the byte counts when stored as bytes).
    public var statistics: ValueStatistics {
        byteCounts.map(ValueStatistics.init(byteCounts:)) ?? ValueStatistics(of: values)
    }

    /// The image with each pixel (y, x) of a `height × width` result taken from the
    /// pixel `source(y, x)` of this one, every channel; bytes stay bytes.
    public func remapped(height: Int, width: Int, from source: (_ y: Int, _ x: Int) -> (y: Int, x: Int)) -> Raster {
        func remap<Sample: ResamplingSample>(_ samples: [Sample]) -> [Sample] {
            var output: [Sample] = []
            output.reserveCapacity(samples.count)
            for y in 0..<height {
                for x in 0..<width {
                    let (sy, sx) = source(y, x)
                    let start = (sy * self.width + sx) * channels
                    output.append(contentsOf: samples[start..<(start + channels)])
                }
            }
            return output
        }
        var result = self
        (result.height, result.width) = (height, width)
        switch storage {
        case let .floats(values): result.storage = .floats(remap(values))
        case let .bytes(bytes): result.storage = .bytes(remap(bytes))
        }
        return result
    }
}

extension Raster: Equatable {
    /// Equal size, range and values, however they are stored.
    public static func == (a: Raster, b: Raster) -> Bool {
        (a.height, a.width, a.channels, a.range) == (b.height, b.width, b.channels, b.range)
            && (a.bytes != nil && a.bytes == b.bytes || a.values == b.values)
    }
}

extension Raster {
    /// This image resampled to `width × height` by `method` (ModelGraph's
    /// `Resampling`, as OpenCV and TensorFlow resize), its value range kept.
    public func resized(width: Int, height: Int, method: ResizeMethod) -> Raster {
        let resized = switch storage {
        case let .floats(values): Resampling.resize(values, height: self.height, width: self.width, channels: channels,
                                                    toHeight: height, toWidth: width, method: method)
        case let .bytes(bytes): Resampling.resize(bytes, height: self.height, width: self.width, channels: channels,
                                                  toHeight: height, toWidth: width, method: method)
        }
        return Raster(height: height, width: width, channels: channels, values: resized, range: range)
    }

    /// This image through a separable filter: `columns` taps along each row, then
    /// `rows` taps down each column; its value range kept.
    func filtered(rows: [Resampling.Tap], columns: [Resampling.Tap]) -> Raster {
        Raster(height: rows.count, width: columns.count, channels: channels,
               values: Resampling.apply(values, height: height, width: width, channels: channels, rows: rows, columns: columns),
               range: range)
    }
}
