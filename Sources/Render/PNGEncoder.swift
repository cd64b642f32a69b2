import CPNG
import Foundation

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
