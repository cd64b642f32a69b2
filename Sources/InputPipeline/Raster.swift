import ModelGraph

/// An image as floats, height × width × channels (1 = grey, 3 = RGB), row-major,
/// with the value range its values are meant to span (0...255 when decoded).
public struct Raster: Sendable, Equatable {
    public var height: Int
    public var width: Int
    public var channels: Int
    /// `height × width × channels` values, channels last.
    public var values: [Float]
    /// The nominal range of the values (not their min/max): 0...255 after
    /// decoding, 0...1 after `scale=1/255`, and so on through the pipeline.
    public var range: ClosedRange<Float>

    public init(height: Int, width: Int, channels: Int, values: [Float], range: ClosedRange<Float> = 0...255) {
        precondition(values.count == height * width * channels, "raster size mismatch")
        self.height = height
        self.width = width
        self.channels = channels
        self.values = values
        self.range = range
    }

    /// The value at row `y`, column `x`, channel `c`.
    @inline(__always) public subscript(y: Int, x: Int, c: Int) -> Float {
        get { values[(y * width + x) * channels + c] }
        set { values[(y * width + x) * channels + c] = newValue }
    }

    /// The shape as NumPy would print it: `(H, W)` for grey, `(H, W, 3)` for colour.
    public var shape: [Int] { channels == 1 ? [height, width] : [height, width, channels] }
}

extension Raster {
    /// This image resampled to `width × height` by `method` (ModelGraph's
    /// `Resampling`, as OpenCV and TensorFlow resize), its value range kept.
    public func resized(width: Int, height: Int, method: ResizeMethod) -> Raster {
        Raster(height: height, width: width, channels: channels,
               values: Resampling.resize(values, height: self.height, width: self.width, channels: channels,
                                         toHeight: height, toWidth: width, method: method),
               range: range)
    }

    /// This image through a separable filter: `columns` taps along each row, then
    /// `rows` taps down each column; its value range kept.
    func filtered(rows: [Resampling.Tap], columns: [Resampling.Tap]) -> Raster {
        Raster(height: rows.count, width: columns.count, channels: channels,
               values: Resampling.apply(values, height: height, width: width, channels: channels, rows: rows, columns: columns),
               range: range)
    }
}
