import CCairo
@testable import Render
import Testing

@Suite struct FontFacesTests {
    /// DejaVu Sans opened from its files draws the same pixels as Cairo's toy API
    /// through fontconfig, as a canvas drew it before: face chosen by name at each
    /// call, regular and bold, large sizes and the small ones heat-map cells use.
    @Test func fileFacesDrawWhatTheToyAPIDraws() throws {
        #expect(FontFaces.dejaVuSans != nil, "fonts-dejavu-core is not installed where FontFaces looks")
        let lines: [(text: String, size: Double, bold: Bool)] = [
            ("LayerLens trace: photo_x.jpg", 20, true), ("Model seed_tf2.h5 (Keras 2.21.0, 208,626 parameters)", 13, false),
            ("Prediction: X  99.9980%", 17, true), ("min 0 · max 548 → −63.8", 12, false),
            ("dense_3 · relu · 50 units", 10, false), ("A B C 0.937", 7, false), ("12 345", 6, true),
        ]
        let width = 600, height = 30 * lines.count
        let canvas = try Canvas(width: width, height: height)
        for (index, line) in lines.enumerated() {
            canvas.text(line.text, x: 5.5, y: Double(index * 30 + 22), size: line.size, bold: line.bold)
        }

        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height))
        defer { cairo_surface_destroy(surface) }
        let context = cairo_create(surface)
        defer { cairo_destroy(context) }
        cairo_set_source_rgb(context, 1, 1, 1)
        cairo_paint(context)
        cairo_set_source_rgb(context, 0, 0, 0)
        for (index, line) in lines.enumerated() {
            cairo_select_font_face(context, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, line.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
            cairo_set_font_size(context, line.size)
            cairo_move_to(context, 5.5, Double(index * 30 + 22))
            cairo_show_text(context, line.text)
        }
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        var differing = 0
        for y in 0..<height {
            let row = cairo_image_surface_get_data(surface)!.advanced(by: y * stride)
            for x in 0..<width {
                let value = row.advanced(by: x * 4).withMemoryRebound(to: UInt32.self, capacity: 1) { $0.pointee }
                let toy = RGB(Double((value >> 16) & 0xFF) / 255, Double((value >> 8) & 0xFF) / 255, Double(value & 0xFF) / 255)
                if canvas.pixel(x: x, y: y) != toy { differing += 1 }
            }
        }
        #expect(differing == 0)
    }

    /// Folders without the two files give no faces, so canvases use the toy API.
    @Test func missingFilesGiveNoFaces() {
        #expect(FontFaces.open(in: ["/nonexistent", "/tmp"]) == nil)
    }
}
