import CPNG
import Foundation

/// Encodes 8-bit RGB pixels (row-major, 3 bytes each) as PNG with libpng's
/// simplified API and its fast compression setting (no row filter, zlib level 3;
/// levels 1–2 and the other fixed filters are no faster on a report and larger).
///
/// It writes once, into a buffer of libpng's own upper bound on the size: asking
/// for the size first (a nil buffer) runs the whole compression twice.
func encodePNG(rgb: [UInt8], width: Int, height: Int) throws -> Data {
    var image = png_image()
    image.version = UInt32(PNG_IMAGE_VERSION)
    image.width = UInt32(width)
    image.height = UInt32(height)
    image.format = UInt32(PNG_FORMAT_RGB)
    image.flags = UInt32(PNG_IMAGE_FLAG_FAST)
    defer { png_image_free(&image) }
    var size = ll_png_image_png_size_max(&image)
    // Left uninitialised: only the pages libpng writes are ever touched.
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 1)
    defer { buffer.deallocate() }
    guard png_image_write_to_memory(&image, buffer, &size, 0, rgb, 0, nil) != 0 else {
        throw RenderError("libpng cannot encode the PNG")
    }
    return Data(bytes: buffer, count: size)
}
