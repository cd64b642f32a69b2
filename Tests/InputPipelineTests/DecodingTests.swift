import FileIO
import Foundation
@testable import InputPipeline
import ModelGraph
import NumPyFormat
import Testing
import TestSupport

/// Goldens of OpenCV and TensorFlow on the fixture images (`goldens/pipeline.npz`).
enum PipelineGoldens {
    static let arrays = try! NumPyFile.readArchive(Fixtures.path("goldens/pipeline.npz"))

    static func raster(_ key: String) throws -> Raster {
        let array = try #require(arrays[key])
        return Raster(height: array.shape[0], width: array.shape[1], channels: array.shape.count == 3 ? array.shape[2] : 1,
                      values: array.floats)
    }

    /// The largest |ours − golden|, or nil when the shapes differ.
    static func largestDifference(_ ours: Raster, _ golden: Raster) -> Float? {
        guard ours.shape == golden.shape else { return nil }
        return zip(ours.values, golden.values).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    static let images = ["photo_x.jpg", "photo_p_exif.jpg", "photo_p_progressive.jpg", "photo_l_gray.jpg", "drawing_x.png",
                         "drawing_p_rgba.png", "drawing_x_gray16.png", "drawing_p_palette.png", "scribble.png", "flower.jpg"]
}

@Suite struct DecodingTests {
    /// Decoding matches OpenCV's `imread` (RGB order, EXIF applied, alpha over
    /// white) within one grey level: both use libjpeg-turbo's accurate DCT.
    @Test(arguments: PipelineGoldens.images)
    func decodesAsOpenCVDoes(file: String) throws {
        let decoded = try ImageDecoder.decode(Fixtures.path("images/" + file))
        let key = String(file.split(separator: ".")[0])
        let difference = PipelineGoldens.largestDifference(decoded.raster, try PipelineGoldens.raster(key + "/decoded"))
        #expect(difference != nil && difference! <= 1, "\(file): \(String(describing: difference))")
    }

    @Test func appliesOrIgnoresTheExifOrientation() throws {
        let path = Fixtures.path("images/photo_p_exif.jpg")
        let upright = try ImageDecoder.decode(path)
        #expect(upright.notes.contains("EXIF orientation 6 applied (rotated 90° clockwise)"))
        #expect(upright.raster.height == 675 && upright.raster.width == 637)
        let stored = try ImageDecoder.decode(path, applyExif: false)
        #expect(stored.raster.height == 637 && stored.raster.width == 675)
        let difference = PipelineGoldens.largestDifference(stored.raster, try PipelineGoldens.raster("photo_p_exif/decoded_no_exif"))
        #expect(difference != nil && difference! <= 1)
    }

    @Test func compositesAlphaOverWhite() throws {
        let decoded = try ImageDecoder.decode(Fixtures.path("images/drawing_p_rgba.png"))
        #expect(decoded.notes == ["alpha composited over white"])
        #expect(decoded.raster.channels == 3)
        #expect(decoded.raster[0, 0, 0] == 255)  // a transparent corner is white
    }

    @Test func refusesBadImages() throws {
        let folder = try Fixtures.temporaryFolder()
        let jpeg = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("images/photo_x.jpg")))
        let png = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("images/drawing_x.png")))
        let cases: [(String, Data, String)] = [
            ("truncated.jpg", jpeg.prefix(jpeg.count / 2), "corrupt or truncated JPEG"),
            ("truncated.png", png.prefix(png.count / 2), "corrupt or truncated PNG"),
            ("header_only.png", png.prefix(40), "PNG"),
            ("png_named.jpg", png, ""),
            ("zero.png", Data(), "empty"),
            ("text.png", Data("hello".utf8), "not a PNG or JPEG"),
        ]
        for (name, bytes, problem) in cases {
            try bytes.write(to: URL(fileURLWithPath: folder + "/" + name))
            if name == "png_named.jpg" {
                // A PNG with a .jpg name is sniffed and decoded as the PNG it is.
                #expect(try ImageDecoder.decode(folder + "/" + name).format == "png")
                continue
            }
            let error = #expect(throws: FileError.self) { try ImageDecoder.decode(folder + "/" + name) }
            #expect(error?.path == folder + "/" + name)
            #expect(error?.problem.contains(problem) == true, "\(name): \(error?.problem ?? "")")
        }
        let cmyk = #expect(throws: FileError.self) { try ImageDecoder.decode(Fixtures.path("images/cmyk.jpg")) }
        #expect(cmyk?.problem.contains("CMYK") == true)
        let huge = #expect(throws: FileError.self) { try ImageDecoder.decode(Fixtures.path("images/photo_x.jpg"), pixelLimit: 1000) }
        #expect(huge?.problem.contains("over the limit of 1000") == true)
    }
}
