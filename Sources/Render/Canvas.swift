import CCairo
import Foundation

/// A Cairo image surface to draw a report on, written out as PNG.
///
/// Coordinates are pixels from the top-left corner. Text is DejaVu Sans (Debian's
/// `fonts-dejavu-core`), regular and bold, which is all a report needs: the faces of
/// `FontFaces.dejaVuSans`, else Cairo's toy font API by family name.
public final class Canvas {
    let surface: OpaquePointer
    let context: OpaquePointer
    /// The surface's pixels, allocated here (see `allocatePixels`), freed with it.
    private let pixels: UnsafeMutableRawPointer
    public let width: Int
    public let height: Int
    /// The largest width or height Cairo draws.
    public static let maximumSide = 32767

    /// A white canvas of `width × height` pixels. Throws `CanvasSizeError` for a
    /// size Cairo cannot draw, `RenderError` when Cairo cannot make one.
    public init(width: Int, height: Int, background: RGB = .white) throws {
        guard width > 0, height > 0, width <= Self.maximumSide, height <= Self.maximumSide else {
            throw CanvasSizeError(width: width, height: height)
        }
        let stride = Int(cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, Int32(width)))
        guard let pixels = Self.allocatePixels(byteCount: stride * height) else {
            throw RenderError("Cairo cannot make a \(width)×\(height) image (out of memory?)")
        }
        surface = cairo_image_surface_create_for_data(pixels.assumingMemoryBound(to: UInt8.self), CAIRO_FORMAT_RGB24,
                                                      Int32(width), Int32(height), Int32(stride))
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(surface)
            free(pixels)
            throw RenderError("Cairo cannot make a \(width)×\(height) image (out of memory?)")
        }
        self.pixels = pixels
        context = cairo_create(surface)
        self.width = width
        self.height = height
        fill(x: 0, y: 0, width: Double(width), height: Double(height), background)
        if FontFaces.dejaVuSans != nil {
            let options = cairo_font_options_create()
            cairo_font_options_set_hint_style(options, FontFaces.hintStyle)
            cairo_set_font_options(context, options)
            cairo_font_options_destroy(options)
        }
        selectFont(bold: false)
    }

    deinit {
        cairo_destroy(context)
        cairo_surface_destroy(surface)
        free(pixels)
    }

    /// Memory for `byteCount` bytes of pixels, or nil. A report's picture runs to
    /// several megabytes, all written at once by the background fill: from 4 MiB on it
    /// is aligned to and advised for transparent huge pages (`madvise(MADV_HUGEPAGE)`),
    /// so the kernel faults it in a few 2 MiB pages, not over a thousand 4 KiB ones.
    private static func allocatePixels(byteCount: Int) -> UnsafeMutableRawPointer? {
        let hugePage = 2 << 20
        let large = byteCount >= 2 * hugePage
        let size = large ? (byteCount + hugePage - 1) / hugePage * hugePage : byteCount
        var pixels: UnsafeMutableRawPointer?
        guard posix_memalign(&pixels, large ? hugePage : 16, size) == 0, let pixels else { return nil }
        #if os(Linux)
        if large { _ = madvise(pixels, size, MADV_HUGEPAGE) }
        #endif
        return pixels
    }

    /// Fills a rectangle with `color` (`cairo_rectangle`, `cairo_fill`).
    public func fill(x: Double, y: Double, width: Double, height: Double, _ color: RGB) {
        setColor(color)
        cairo_rectangle(context, x, y, width, height)
        cairo_fill(context)
    }

    /// Outlines a rectangle with a line of `lineWidth` pixels.
    public func stroke(x: Double, y: Double, width: Double, height: Double, _ color: RGB, lineWidth: Double = 1) {
        setColor(color)
        cairo_set_line_width(context, lineWidth)
        cairo_rectangle(context, x, y, width, height)
        cairo_stroke(context)
    }

    /// A straight line.
    public func line(from start: (Double, Double), to end: (Double, Double), _ color: RGB, lineWidth: Double = 1) {
        setColor(color)
        cairo_set_line_width(context, lineWidth)
        cairo_move_to(context, start.0, start.1)
        cairo_line_to(context, end.0, end.1)
        cairo_stroke(context)
    }

    /// Diagonal hatching inside a rectangle: how padding cells are drawn, so they
    /// cannot be taken for units.
    public func hatch(x: Double, y: Double, width: Double, height: Double, background: RGB, lines: RGB, spacing: Double = 4) {
        fill(x: x, y: y, width: width, height: height, background)
        cairo_save(context)
        cairo_rectangle(context, x, y, width, height)
        cairo_clip(context)
        setColor(lines)
        cairo_set_line_width(context, 1)
        var offset = -height
        while offset < width {
            cairo_move_to(context, x + offset, y + height)
            cairo_line_to(context, x + offset + height, y)
            offset += spacing
        }
        cairo_stroke(context)
        cairo_restore(context)
    }

    /// The text alignment relative to the x coordinate.
    public enum Alignment { case left, center, right }

    /// Draws `text` with its baseline at `y`; returns its width.
    @discardableResult
    public func text(_ text: String, x: Double, y: Double, size: Double, color: RGB = .black,
                     bold: Bool = false, align: Alignment = .left) -> Double {
        selectFont(bold: bold)
        cairo_set_font_size(context, size)
        let width = textWidth(text)
        let start = switch align {
        case .left: x
        case .center: x - width / 2
        case .right: x - width
        }
        setColor(color)
        cairo_move_to(context, start, y)
        cairo_show_text(context, text)
        return width
    }

    /// The advance width of `text` at the current font and size (`cairo_text_extents`).
    public func textWidth(_ text: String, size: Double? = nil, bold: Bool = false) -> Double {
        if let size {
            selectFont(bold: bold)
            cairo_set_font_size(context, size)
        }
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, text, &extents)
        return extents.x_advance
    }

    /// Draws a grid of colours, each cell `cell` pixels square, crisp (no smoothing).
    public func pixels(x: Double, y: Double, rows: Int, columns: Int, cell: Double, color: (Int, Int) -> RGB) {
        withoutAntialiasing {
            for row in 0..<rows {
                for column in 0..<columns {
                    fill(x: x + Double(column) * cell, y: y + Double(row) * cell, width: cell, height: cell, color(row, column))
                }
            }
        }
    }

    /// Runs `body` with antialiasing off, so that cells meet without seams.
    public func withoutAntialiasing(_ body: () -> Void) {
        cairo_set_antialias(context, CAIRO_ANTIALIAS_NONE)
        body()
        cairo_set_antialias(context, CAIRO_ANTIALIAS_DEFAULT)
    }

    /// Paints an RGB image (`height × width` pixels, 3 bytes each, row-major) at
    /// (x, y), `scale` screen pixels per image pixel: crisp (nearest) when
    /// enlarging, smoothed (Cairo's GOOD filter) when shrinking, so a photo is not aliased.
    public func image(rgb: [UInt8], width: Int, height: Int, x: Double, y: Double, scale: Double) {
        let stride = Int(cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, Int32(width)))
        var pixels = [UInt8](repeating: 0, count: stride * height)
        for row in 0..<height {
            for column in 0..<width {
                let source = (row * width + column) * 3, target = row * stride + column * 4
                // CAIRO_FORMAT_RGB24 is a native-endian 32-bit word 0x00RRGGBB: B, G, R, unused in memory on little-endian.
                pixels[target] = rgb[source + 2]
                pixels[target + 1] = rgb[source + 1]
                pixels[target + 2] = rgb[source]
            }
        }
        pixels.withUnsafeMutableBufferPointer { buffer in
            let image = cairo_image_surface_create_for_data(buffer.baseAddress, CAIRO_FORMAT_RGB24, Int32(width), Int32(height), Int32(stride))
            defer { cairo_surface_destroy(image) }
            cairo_save(context)
            cairo_translate(context, x, y)
            cairo_scale(context, scale, scale)
            cairo_set_source_surface(context, image, 0, 0)
            cairo_pattern_set_filter(cairo_get_source(context), scale >= 1 ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD)
            cairo_rectangle(context, 0, 0, Double(width), Double(height))
            cairo_fill(context)
            cairo_restore(context)
        }
    }

    /// The picture as PNG bytes, through libpng with its fast compression (see
    /// `encodePNG`): a report is written far more often than it is stored, and
    /// Cairo's own writer compresses harder for a third of the run time.
    public func pngData() throws -> Data {
        cairo_surface_flush(surface)
        return try encodePNG(rgb24: cairo_image_surface_get_data(surface)!, width: width, height: height,
                             stride: Int(cairo_image_surface_get_stride(surface)))
    }

    /// The colour of the pixel at (x, y), for tests that read a picture back.
    public func pixel(x: Int, y: Int) -> RGB {
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let base = cairo_image_surface_get_data(surface)!
        let value = base.advanced(by: y * stride + x * 4).withMemoryRebound(to: UInt32.self, capacity: 1) { $0.pointee }
        return RGB(Double((value >> 16) & 0xFF) / 255, Double((value >> 8) & 0xFF) / 255, Double(value & 0xFF) / 255)
    }

    private func selectFont(bold: Bool) {
        if let faces = FontFaces.dejaVuSans {
            cairo_set_font_face(context, bold ? faces.bold : faces.regular)
        } else {
            cairo_select_font_face(context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        }
    }

    private func setColor(_ color: RGB) {
        cairo_set_source_rgb(context, color.red, color.green, color.blue)
    }
}

/// A picture of a size Cairo cannot draw: more than `Canvas.maximumSide` pixels a side (or empty).
public struct CanvasSizeError: Error, CustomStringConvertible, Sendable {
    public let width: Int
    public let height: Int

    public var description: String {
        "a \(width)×\(height) picture is too large to draw (at most \(Canvas.maximumSide) pixels a side)"
    }
}

/// A picture that cannot be drawn.
public struct RenderError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
