import CPNG
import Foundation

/// Encodes 8-bit RGB pixels (row-major, 3 bytes each) as PNG with libpng's
/// simplified API and its fast compression setting.
public func encodePNG(rgb: [UInt8], width: Int, height: Int) throws -> Data {
    try encodePNG(pixels: rgb, width: width, height: height, format: PNG_FORMAT_RGB)
}

/// Encodes 8-bit grey levels (row-major, one byte each) as a grayscale PNG: the
/// data of the HTML reports, where size counts, so with Paeth row prediction and
/// zlib level 4 through the shim's `ll_png_write_gray8` (ResNet50's page: 22.3 MB,
/// against 21.7 MB from libpng's adaptive filters at level 6 in a third more time,
/// and 28 MB from its fast setting).
public func encodePNG(gray: [UInt8], width: Int, height: Int) throws -> Data {
    var bytes: UnsafeMutablePointer<UInt8>?
    var size = 0
    guard ll_png_write_gray8(gray, UInt32(width), UInt32(height), Int32(PNG_FILTER_PAETH), 4, &bytes, &size) != 0, let bytes else {
        throw RenderError("libpng cannot encode the PNG")
    }
    return Data(bytesNoCopy: bytes, count: size, deallocator: .free)
}

/// Encodes packed RGB `pixels` with libpng's simplified API and its fast compression.
private func encodePNG(pixels: [UInt8], width: Int, height: Int, format: UInt32) throws -> Data {
    var image = png_image()
    image.version = UInt32(PNG_IMAGE_VERSION)
    image.width = UInt32(width)
    image.height = UInt32(height)
    image.format = format
    image.flags = UInt32(PNG_IMAGE_FLAG_FAST)
    defer { png_image_free(&image) }
    // One compression pass into a buffer above deflate's worst case (raw rows plus
    // a per-cent and the chunk headers); libpng says the size it needs if not.
    let raw = height * (width * 3 + 1)
    var size = raw + raw / 100 + 8192
    var bytes = [UInt8](repeating: 0, count: size)
    if png_image_write_to_memory(&image, &bytes, &size, 0, pixels, 0, nil) == 0 {
        guard size > bytes.count else { throw RenderError("libpng cannot encode the PNG") }
        bytes = [UInt8](repeating: 0, count: size)
        guard png_image_write_to_memory(&image, &bytes, &size, 0, pixels, 0, nil) != 0 else {
            throw RenderError("libpng cannot encode the PNG")
        }
    }
    return Data(bytes.prefix(size))
}

/// Encodes Cairo's `CAIRO_FORMAT_RGB24` pixels (`height` rows `stride` bytes apart)
/// as an 8-bit RGB PNG with fast compression: no row filter, zlib level 3 (levels 1–2
/// and the other fixed filters are no faster on a report, and larger). libpng reads
/// the pixels in place through the shim's `ll_png_write_rgb24`, so the picture is
/// neither copied nor compressed twice.
func encodePNG(rgb24 pixels: UnsafePointer<UInt8>, width: Int, height: Int, stride: Int) throws -> Data {
    var bytes: UnsafeMutablePointer<UInt8>?
    var size = 0
    guard ll_png_write_rgb24(pixels, UInt32(width), UInt32(height), stride, &bytes, &size) != 0, let bytes else {
        throw RenderError("libpng cannot encode the PNG")
    }
    return Data(bytesNoCopy: bytes, count: size, deallocator: .free)
}
