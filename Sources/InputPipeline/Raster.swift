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
