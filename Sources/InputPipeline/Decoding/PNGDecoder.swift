import CPNG

/// PNG through libpng's simplified `png_image_*` API, which needs no setjmp.
///
/// Every bit depth, palette, grey, RGB and alpha is read. 16-bit files are read
/// with the linear flag so libpng leaves their values as stored (its 8-bit path
/// would gamma-encode them), then scaled by 1/257. Alpha is composited over
/// white here, in the stored values, as a viewer shows the image.
enum PNGDecoder {
    static func decode(_ bytes: [UInt8], pixelLimit: Int) throws -> DecodedImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        defer { png_image_free(&image) }
        guard png_image_begin_read_from_memory(&image, bytes, bytes.count) != 0 else {
            throw ImageDecodingError("is not a readable PNG (\(message(of: image)))")
        }
        let width = Int(image.width), height = Int(image.height)
        try ImageDecoder.checkSize(width: width, height: height, limit: pixelLimit)
        let colour = image.format & UInt32(PNG_FORMAT_FLAG_COLOR) != 0
        let alpha = image.format & UInt32(PNG_FORMAT_FLAG_ALPHA) != 0
        let sixteenBit = image.format & UInt32(PNG_FORMAT_FLAG_LINEAR) != 0
        let stored = (colour ? 3 : 1) + (alpha ? 1 : 0)
        image.format = (colour ? UInt32(PNG_FORMAT_FLAG_COLOR) : 0) | (alpha ? UInt32(PNG_FORMAT_FLAG_ALPHA) : 0)
            | (sixteenBit ? UInt32(PNG_FORMAT_FLAG_LINEAR) : 0)
        let count = width * height * stored
        let channels = colour ? 3 : 1
        var samples: [Float]
        if sixteenBit {
            var buffer = [UInt16](repeating: 0, count: count)
            guard png_image_finish_read(&image, nil, &buffer, 0, nil) != 0 else {
                throw ImageDecodingError("is a corrupt or truncated PNG (\(message(of: image)))")
            }
            samples = buffer.map { Float($0) / 257 }
        } else {
            var buffer = [UInt8](repeating: 0, count: count)
            guard png_image_finish_read(&image, nil, &buffer, 0, nil) != 0 else {
                throw ImageDecodingError("is a corrupt or truncated PNG (\(message(of: image)))")
            }
            // 8-bit without alpha stays bytes; compositing alpha makes fractions.
            guard alpha else {
                return DecodedImage(raster: Raster(height: height, width: width, channels: channels, bytes: buffer), format: "png", notes: [])
            }
            samples = buffer.map { Float($0) }
        }
        var notes = sixteenBit ? ["16-bit PNG scaled to 0..255 (÷257)"] : []
        if alpha {
            // libpng's linear (16-bit) formats are premultiplied by alpha; 8-bit ones are not.
            samples = compositeOverWhite(samples, channels: stored - 1, premultiplied: sixteenBit)
            notes.append("alpha composited over white")
        }
        return DecodedImage(raster: Raster(height: height, width: width, channels: channels, values: samples),
                            format: "png", notes: notes)
    }

    /// Drops the alpha channel, blending each pixel over white: `c·a + 255·(1 − a)`.
    static func compositeOverWhite(_ samples: [Float], channels: Int, premultiplied: Bool) -> [Float] {
        let stride = channels + 1
        var output = [Float](repeating: 0, count: samples.count / stride * channels)
        for pixel in 0..<(samples.count / stride) {
            let alpha = samples[pixel * stride + channels] / 255
            for channel in 0..<channels {
                let value = samples[pixel * stride + channel]
                output[pixel * channels + channel] = (premultiplied ? value : value * alpha) + 255 * (1 - alpha)
            }
        }
        return output
    }

    private static func message(of image: png_image) -> String {
        var copy = image.message
        return withUnsafeBytes(of: &copy) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
