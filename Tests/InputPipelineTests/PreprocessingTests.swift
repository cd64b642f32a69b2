import Foundation
@testable import InputPipeline
import ModelGraph
import Testing
import TestSupport

/// Each step against OpenCV (and TensorFlow) on the decoded fixture images:
/// bilinear and area within 1 grey level, gray within 0.5.
@Suite struct PreprocessingTests {
    func grey(_ file: String) throws -> Raster {
        try PipelineGoldens.raster(String(file.split(separator: ".")[0]) + "/gray")
    }

    @Test(arguments: PipelineGoldens.images)
    func grayMatchesOpenCVAndTensorFlow(file: String) throws {
        let key = String(file.split(separator: ".")[0])
        let decoded = try PipelineGoldens.raster(key + "/decoded")
        let ours = try Preprocessor.apply(.gray, to: decoded, target: (28, 28, 1))
        #expect(PipelineGoldens.largestDifference(ours, try PipelineGoldens.raster(key + "/gray"))! <= 0.5)
        if decoded.channels == 3 {
            #expect(PipelineGoldens.largestDifference(ours, try PipelineGoldens.raster(key + "/gray_tf"))! <= 0.5)
        }
    }

    @Test(arguments: PipelineGoldens.images)
    func resizeMatchesOpenCVAndTensorFlow(file: String) throws {
        let key = String(file.split(separator: ".")[0])
        let gray = try grey(file)
        let cases: [(String, Int, Int, ResizeMethod, Raster)] = [
            ("bilinear_28", 28, 28, .bilinear, gray), ("bilinear_28_tf", 28, 28, .bilinear, gray),
            ("bilinear_40x52", 40, 52, .bilinear, gray), ("area_28", 28, 28, .area, gray),
            ("area_40x52", 40, 52, .area, gray), ("nearest_28", 28, 28, .nearest, gray),
        ]
        for (golden, width, height, method, source) in cases {
            let ours = source.resized(width: width, height: height, method: method)
            let difference = PipelineGoldens.largestDifference(ours, try PipelineGoldens.raster(key + "/" + golden))
            #expect(difference != nil && difference! <= (method == .nearest ? 0 : 1), "\(key)/\(golden): \(String(describing: difference))")
        }
        let small = try PipelineGoldens.raster(key + "/area_28")
        for (golden, method) in [("area_28_upscaled_100x90", ResizeMethod.area), ("bilinear_28_upscaled_100x90", .bilinear)] {
            let ours = small.resized(width: 100, height: 90, method: method)
            let difference = PipelineGoldens.largestDifference(ours, try PipelineGoldens.raster(key + "/" + golden))
            #expect(difference != nil && difference! <= 1, "\(key)/\(golden): \(String(describing: difference))")
        }
    }

    @Test(arguments: PipelineGoldens.images)
    func blurMatchesOpenCV(file: String) throws {
        let key = String(file.split(separator: ".")[0])
        let ours = GaussianBlur.blur(try grey(file), sigma: 1.5)
        let difference = PipelineGoldens.largestDifference(ours, try PipelineGoldens.raster(key + "/blur_1.5"))
        #expect(difference != nil && difference! <= 0.01, "\(String(describing: difference))")
    }

    @Test(arguments: PipelineGoldens.images)
    func normalizeMatchesOpenCV(file: String) throws {
        let key = String(file.split(separator: ".")[0])
        let ours = try Preprocessor.apply(.normalize, to: try PipelineGoldens.raster(key + "/area_28"), target: (28, 28, 1))
        let difference = PipelineGoldens.largestDifference(ours, try PipelineGoldens.raster(key + "/area_28_normalized"))
        #expect(difference != nil && difference! <= 0.01, "\(String(describing: difference))")
        #expect(ours.values.min() == 0 && ours.values.max() == 255)
    }

    @Test func parsesPipelinesAndRejectsNonsense() throws {
        #expect(try PreprocessStep.parse("gray, resize=28x28:area,invert,scale=1/255") ==
                [.gray, .resize(width: 28, height: 28, method: .area), .invert, .scale(1.0 / 255)])
        #expect(try PreprocessStep.parse("contrast=25:50,blur=1,threshold=128,normalize,fit,flatten") ==
                [.contrast(s: 25, b: 50), .blur(sigma: 1), .threshold(128), .normalize, .fit(box: 20), .flatten])
        for bad in ["resize=0x5", "resize=28", "resize=28x28:cubic", "sharpen", "scale=abc", "blur=0", "gray=1", "standardize=1:0", "fit=0", "normalize=1"] {
            let error = #expect(throws: PipelineError.self) { try PreprocessStep.parse(bad) }
            #expect(error?.description.contains("'\(bad)'") == true, "\(bad): \(String(describing: error))")
        }
    }

    @Test func tracksTheValueRangeThroughEveryStep() throws {
        let decoded = try PipelineGoldens.raster("photo_x/decoded")
        let broken = try Preprocessor.run(try PreprocessStep.parse("gray,scale=1/255,invert,resize=28x28"), on: decoded, modelInputShape: [784])
        #expect(broken.steps.map(\.text) == ["gray", "scale=0.00392157", "invert", "resize=28x28:bilinear", "flatten"])
        #expect(broken.steps.last?.implicit == true)
        #expect(broken.steps[1].range == 0...1)
        #expect(broken.processed.range == 0...1)
        #expect(broken.tensor.shape == [1, 784])
        #expect(broken.tensor.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        let standardized = try Preprocessor.run([.gray, .resize(width: 28, height: 28, method: .area), .standardize(mean: 127.5, std: -127.5)],
                                                on: decoded, modelInputShape: [28, 28, 1])
        #expect(standardized.processed.range == -1...1)
    }

    @Test func userPipelinesMustProduceTheModelsShape() throws {
        let decoded = try PipelineGoldens.raster("photo_x/decoded")
        let noResize = #expect(throws: PipelineError.self) { try Preprocessor.run([.gray], on: decoded, modelInputShape: [784]) }
        #expect(noResize?.description == "the pipeline produces 675×637×1; the model expects 28×28×1; add resize=28x28")
        let noGray = #expect(throws: PipelineError.self) {
            try Preprocessor.run([.resize(width: 28, height: 28, method: .area)], on: decoded, modelInputShape: [784])
        }
        #expect(noGray?.description == "the pipeline produces 28×28×3; the model expects 28×28×1; add 'gray'")
    }

    @Test func defaultPipelineDoesOnlyWhatTheShapeForces() throws {
        let decoded = try PipelineGoldens.raster("photo_x/decoded")
        let result = try Preprocessor.run(nil, on: decoded, modelInputShape: [784])
        #expect(result.isDefaultPipeline)
        #expect(result.steps.map(\.text) == ["gray", "resize=28x28:bilinear", "flatten"])
        #expect(result.steps.allSatisfy { $0.implicit })
        let golden = try PipelineGoldens.raster("photo_x/bilinear_28")
        #expect(zip(result.tensor.scalars, golden.values).allSatisfy { abs($0 - $1) <= 1 })
        #expect(throws: PipelineError.self) { try Preprocessor.run(nil, on: decoded, modelInputShape: [100, 7, 2]) }
    }

    @Test func fitCentresTheInkByMass() throws {
        let decoded = try PipelineGoldens.raster("photo_x/decoded")
        let result = try Preprocessor.run(try PreprocessStep.parse("gray,invert,fit=20"), on: decoded, modelInputShape: [28, 28])
        let image = result.processed
        #expect(image.height == 28 && image.width == 28)
        let background = InkFit.borderMedian(image)
        var top = 28, bottom = -1, left = 28, right = -1
        var mass: Double = 0, my: Double = 0, mx: Double = 0
        for y in 0..<28 { for x in 0..<28 {
            let ink = Double(abs(image[y, x, 0] - background))
            if ink > 255 / 4 { top = min(top, y); bottom = max(bottom, y); left = min(left, x); right = max(right, x) }
            mass += ink; my += ink * Double(y); mx += ink * Double(x)
        } }
        #expect(max(bottom - top + 1, right - left + 1) <= 20)
        #expect(max(bottom - top + 1, right - left + 1) >= 17)
        #expect(abs(my / mass - 13.5) <= 1 && abs(mx / mass - 13.5) <= 1)
    }
}
