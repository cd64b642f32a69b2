/// The EXIF orientation tag (0x0112) of a JPEG, and the transform that shows the
/// image upright.
///
/// Parsed by hand: TurboJPEG 2.1 does not read EXIF, and only this one tag is
/// needed. Every offset is bounds-checked, so hostile files cannot send it
/// outside the buffer or into a loop.
public enum ExifOrientation: Int, Sendable {
    case up = 1, mirrored = 2, upsideDown = 3, upsideDownMirrored = 4
    case transposed = 5, rotatedClockwise = 6, transverse = 7, rotatedCounterClockwise = 8

    /// What applying it does, for the report.
    public var correction: String {
        switch self {
        case .up: "none"
        case .mirrored: "flipped left-right"
        case .upsideDown: "rotated 180°"
        case .upsideDownMirrored: "flipped top-bottom"
        case .transposed: "transposed"
        case .rotatedClockwise: "rotated 90° clockwise"
        case .transverse: "transversed"
        case .rotatedCounterClockwise: "rotated 90° counter-clockwise"
        }
    }

    /// The orientation recorded in `jpeg`'s APP1 Exif segment; `.up` when absent or unreadable.
    public static func read(from jpeg: [UInt8]) -> ExifOrientation {
        var offset = 2  // after SOI
        while offset + 4 <= jpeg.count, jpeg[offset] == 0xFF {
            let marker = jpeg[offset + 1]
            if marker == 0xDA || marker == 0xD9 { break }  // start of scan / end of image
            let length = Int(jpeg[offset + 2]) << 8 | Int(jpeg[offset + 3])
            guard length >= 2, offset + 2 + length <= jpeg.count else { break }
            if marker == 0xE1, length >= 8, Array(jpeg[(offset + 4)..<(offset + 10)]) == Array("Exif\0\0".utf8) {
                return orientation(inTIFF: Array(jpeg[(offset + 10)..<(offset + 2 + length)]))
            }
            offset += 2 + length
        }
        return .up
    }

    private static func orientation(inTIFF tiff: [UInt8]) -> ExifOrientation {
        guard tiff.count >= 8 else { return .up }
        let littleEndian = tiff[0] == 0x49 && tiff[1] == 0x49
        guard littleEndian || (tiff[0] == 0x4D && tiff[1] == 0x4D) else { return .up }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            return littleEndian ? Int(tiff[at]) | Int(tiff[at + 1]) << 8 : Int(tiff[at]) << 8 | Int(tiff[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let low = u16(littleEndian ? at : at + 2), let high = u16(littleEndian ? at + 2 : at) else { return nil }
            return high << 16 | low
        }
        guard let ifd = u32(4), let entries = u16(ifd), entries < 1000 else { return .up }
        for entry in 0..<entries {
            let at = ifd + 2 + entry * 12
            guard let tag = u16(at) else { return .up }
            if tag == 0x0112, let value = u16(at + 8) {
                return ExifOrientation(rawValue: value) ?? .up
            }
        }
        return .up
    }

    /// `raster` transformed so that it displays upright.
    public func apply(to raster: Raster) -> Raster {
        let swaps = rawValue >= 5
        // (y, x) of the upright image is stored at the pixel returned.
        return raster.remapped(height: swaps ? raster.width : raster.height, width: swaps ? raster.height : raster.width) { y, x in
            switch self {
            case .up: (y, x)
            case .mirrored: (y, raster.width - 1 - x)
            case .upsideDown: (raster.height - 1 - y, raster.width - 1 - x)
            case .upsideDownMirrored: (raster.height - 1 - y, x)
            case .transposed: (x, y)
            case .rotatedClockwise: (raster.height - 1 - x, y)
            case .transverse: (raster.height - 1 - x, raster.width - 1 - y)
            case .rotatedCounterClockwise: (x, raster.width - 1 - y)
            }
        }
    }
}
