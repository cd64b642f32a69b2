import CCairo
import CPNG
@testable import Render
import Testing

@Suite struct PNGEncoderTests {
    /// libpng's reader gets back every pixel of the canvas from the PNG its writer
    /// made from Cairo's 32-bit pixels in place (filler dropped, byte order set), small
    /// pictures and one the size of a report.
    @Test(arguments: [(10, 10), (300, 200), (1478, 880)])
    func libpngReadsBackEveryPixel(width: Int, height: Int) throws {
        let canvas = try Canvas(width: width, height: height)
        var state: UInt64 = 12345
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        for _ in 0..<200 {
            canvas.fill(x: Double(next(width)), y: Double(next(height)), width: Double(1 + next(width / 3 + 1)),
                        height: Double(1 + next(height / 3 + 1)), RGB(Double(next(256)) / 255, Double(next(256)) / 255, Double(next(256)) / 255))
        }
        canvas.text("LayerLens trace: photo_x.jpg", x: 3, y: Double(height / 2), size: 13)
        let png = [UInt8](try canvas.pngData())

        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        #expect(png_image_begin_read_from_memory(&image, png, png.count) != 0)
        #expect((Int(image.width), Int(image.height)) == (width, height))
        image.format = UInt32(PNG_FORMAT_RGB)
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        #expect(png_image_finish_read(&image, nil, &rgb, 0, nil) != 0)

        cairo_surface_flush(canvas.surface)
        let stride = Int(cairo_image_surface_get_stride(canvas.surface))
        let pixels = cairo_image_surface_get_data(canvas.surface)!
        var differing = 0
        for y in 0..<height {
            pixels.advanced(by: y * stride).withMemoryRebound(to: UInt32.self, capacity: width) { row in
                for x in 0..<width {
                    let value = row[x], index = (y * width + x) * 3
                    if rgb[index] != UInt8(value >> 16 & 0xFF) || rgb[index + 1] != UInt8(value >> 8 & 0xFF) || rgb[index + 2] != UInt8(value & 0xFF) {
                        differing += 1
                    }
                }
            }
        }
        #expect(differing == 0)
    }
}
