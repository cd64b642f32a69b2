import CTurboJPEG
import ModelGraph

/// JPEG through TurboJPEG 2.1 (`tjDecompressHeader3`, `tjDecompress2`): baseline,
/// progressive and greyscale, with the accurate DCT and fancy upsampling that
/// OpenCV's `imread` also uses. CMYK/YCCK files are refused.
enum JPEGDecoder {
    static func decode(_ bytes: [UInt8], applyExif: Bool, pixelLimit: Int) throws -> DecodedImage {
        guard let handle = tjInitDecompress() else { throw ImageDecodingError("cannot start the JPEG decoder") }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        guard tjDecompressHeader3(handle, bytes, UInt(bytes.count), &width, &height, &subsampling, &colorspace) == 0 else {
            throw ImageDecodingError("is not a readable JPEG (\(errorText(handle)))")
        }
        try ImageDecoder.checkSize(width: Int(width), height: Int(height), limit: pixelLimit)
        if colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue) {
            throw ImageDecodingError("is a CMYK JPEG, which LayerLens does not convert; save it as RGB first")
        }
        let grey = colorspace == Int32(TJCS_GRAY.rawValue)
        let channels = grey ? 1 : 3
        let count = Int(width) * Int(height) * channels
        var status: Int32 = 0
        // Left uninitialised for TurboJPEG to fill, and kept as bytes (Raster reads them as floats).
        let buffer = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            status = tjDecompress2(handle, bytes, UInt(bytes.count), buffer.baseAddress, width, 0, height,
                                   grey ? Int32(TJPF_GRAY.rawValue) : Int32(TJPF_RGB.rawValue), TJFLAG_STOPONWARNING)
            initialized = status == 0 ? count : 0
        }
        guard status == 0 else {
            throw ImageDecodingError("is a corrupt or truncated JPEG (\(errorText(handle)))")
        }
        var raster = Raster(height: Int(height), width: Int(width), channels: channels, bytes: buffer)
        var notes: [String] = []
        let orientation = ExifOrientation.read(from: bytes)
        if orientation != .up {
            if applyExif {
                raster = orientation.apply(to: raster)
                notes.append("EXIF orientation \(orientation.rawValue) applied (\(orientation.correction))")
            } else {
                notes.append("EXIF orientation \(orientation.rawValue) ignored (--no-exif)")
            }
        }
        return DecodedImage(raster: raster, format: "jpeg", notes: notes)
    }

    private static func errorText(_ handle: tjhandle) -> String {
        String(cString: tjGetErrorStr2(handle))
    }
}
