/// Draws a grey or RGB image given as floats, scaled nearest-neighbour into a box.
public enum ImagePainter {
    /// Paints `values` (`height × width × channels`, mapped from `low...high` to
    /// black...white) at (x, y), `scale` screen pixels per image pixel.
    public static func draw(on canvas: Canvas, x: Double, y: Double, values: [Float], height: Int, width: Int,
                            channels: Int, low: Float, high: Float, scale: Double) {
        let span = high > low ? high - low : 1
        func level(_ value: Float) -> Double { Double(min(max((value - low) / span, 0), 1)) }
        canvas.pixels(x: x, y: y, rows: height, columns: width, cell: scale) { row, column in
            let base = (row * width + column) * channels
            return channels >= 3 ? RGB(level(values[base]), level(values[base + 1]), level(values[base + 2])) : .gray(level(values[base]))
        }
        canvas.stroke(x: x - 0.5, y: y - 0.5, width: Double(width) * scale + 1, height: Double(height) * scale + 1, Palette.frame)
    }
}
