import FileIO
import Foundation

/// What decoding did, for the report.
public struct DecodedImage: Sendable {
    /// The pixels, 0...255, RGB or grey.
    public let raster: Raster
    /// `png` or `jpeg`.
    public let format: String
    /// A note on what was applied while decoding (EXIF rotation, alpha over white, 16-bit scaling).
    public let notes: [String]
}

/// Decodes PNG (libpng) and JPEG (TurboJPEG) files into 0...255 float rasters,
/// refusing images over a pixel limit before decoding them.
public enum ImageDecoder {
    /// The default limit: 100 megapixels.
    public static let defaultPixelLimit = 100_000_000

    /// Decodes the image at `path`, sniffed from its bytes.
    /// - Parameters:
    ///   - applyExif: rotate/flip JPEGs as their EXIF orientation says, as OpenCV's `imread` does.
    ///   - pixelLimit: refuse images with more pixels than this.
    public static func decode(_ path: String, applyExif: Bool = true, pixelLimit: Int = defaultPixelLimit) throws -> DecodedImage {
        let kind = try FileKind.of(path)
        guard kind == .png || kind == .jpeg else {
            throw FileError(path, "is not a PNG or JPEG image (its first bytes match neither signature)")
        }
        let data = try readRegularFile(path)
        do {
            let decoded = kind == .png ? try PNGDecoder.decode([UInt8](data), pixelLimit: pixelLimit)
                : try JPEGDecoder.decode([UInt8](data), applyExif: applyExif, pixelLimit: pixelLimit)
            let named = URL(fileURLWithPath: path).pathExtension.lowercased()
            let expected = kind == .png ? ["png"] : ["jpg", "jpeg", "jpe", "jfif"]
            guard !named.isEmpty, !expected.contains(named) else { return decoded }
            // Decoded by content, as OpenCV does, but said: a misnamed file often hides a pipeline mistake.
            return DecodedImage(raster: decoded.raster, format: decoded.format,
                                notes: ["the file is named .\(named) but is a \(decoded.format.uppercased()); decoded as \(decoded.format.uppercased())"] + decoded.notes)
        } catch let error as ImageDecodingError {
            throw FileError(path, error.description)
        }
    }

    /// Refuses sizes that are empty or over `limit` pixels.
    static func checkSize(width: Int, height: Int, limit: Int) throws {
        guard width > 0, height > 0 else { throw ImageDecodingError("has a zero size (\(width)×\(height))") }
        guard width.multipliedReportingOverflow(by: height).partialValue <= limit, width <= 1 << 20, height <= 1 << 20 else {
            throw ImageDecodingError("is \(width)×\(height) = \(width * height) pixels, over the limit of \(limit) (raise it with --max-pixels)")
        }
    }
}

/// A decoder's complaint, without the path (the caller adds it).
struct ImageDecodingError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
