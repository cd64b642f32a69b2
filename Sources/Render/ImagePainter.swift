/// Draws a grey or RGB image given as floats, scaled nearest-neighbour into a box.
public enum ImagePainter {
    /// Paints `values` (`height × width × channels`, mapped from `low...high` to
    /// black...white; NaN and infinite pixels magenta) at (x, y), `scale` screen
    /// pixels per image pixel.
    public static func draw(on canvas: Canvas, x: Double, y: Double, values: [Float], height: Int, width: Int,
                            channels: Int, low: Float, high: Float, scale: Double) {
        let rgb = rgb(values: values, pixels: width * height, channels: channels, low: low, high: high)
        canvas.image(rgb: rgb, width: width, height: height, x: x, y: y, scale: scale)
        canvas.stroke(x: x - 0.5, y: y - 0.5, width: Double(width) * scale + 1, height: Double(height) * scale + 1, Palette.frame)
    }

    /// The 8-bit RGB pixels of `values` (`pixels × channels`, grey when fewer
    /// than 3 channels), mapped from `low...high` to black...white; NaN and
    /// infinite pixels magenta.
    public static func rgb(values: [Float], pixels: Int, channels: Int, low: Float, high: Float) -> [UInt8] {
        // In Double, where the span of finite floats (±3e38 included) stays finite.
        let start = Double(low), span = high > low ? Double(high) - start : 1
        var rgb = [UInt8](repeating: 0, count: pixels * 3)
        let magenta: [UInt8] = [255, 0, 255]
        for pixel in 0..<pixels {
            let finite = (0..<min(channels, 3)).allSatisfy { values[pixel * channels + $0].isFinite }
            for channel in 0..<3 {
                let level = (Double(values[pixel * channels + (channels >= 3 ? channel : 0)]) - start) / span
                rgb[pixel * 3 + channel] = finite ? UInt8((min(max(level, 0), 1) * 255).rounded()) : magenta[channel]
            }
        }
        return rgb
    }
}
