import CPNG
import Foundation

/// Encodes 8-bit RGB pixels (row-major, 3 bytes each) as PNG with libpng's
/// simplified API and its fast compression setting.
public func encodePNG(rgb: [UInt8], width: Int, height: Int) throws -> Data {
    try encodePNG(pixels: rgb, width: width, height: height, format: PNG_FORMAT_RGB)
}

/// Encodes 8-bit grey levels (row-major, one byte each) as a grayscale PNG with
/// libpng's simplified API and its fast compression setting.
public func encodePNG(gray: [UInt8], width: Int, height: Int) throws -> Data {
    try encodePNG(pixels: gray, width: width, height: height, format: UInt32(PNG_FORMAT_GRAY))
}

/// Encodes `pixels` of libpng's simplified-API `format`.
private func encodePNG(pixels: [UInt8], width: Int, height: Int, format: UInt32) throws -> Data {
    var image = png_image()
    image.version = UInt32(PNG_IMAGE_VERSION)
    image.width = UInt32(width)
    image.height = UInt32(height)
    image.format = format
    image.flags = UInt32(PNG_IMAGE_FLAG_FAST)
    defer { png_image_free(&image) }
    var size = 0
    guard png_image_write_to_memory(&image, nil, &size, 0, pixels, 0, nil) != 0, size > 0 else {
        throw RenderError("libpng cannot size the PNG")
    }
    var bytes = [UInt8](repeating: 0, count: size)
    guard png_image_write_to_memory(&image, &bytes, &size, 0, pixels, 0, nil) != 0 else {
        throw RenderError("libpng cannot encode the PNG")
    }
    return Data(bytes.prefix(size))
}
