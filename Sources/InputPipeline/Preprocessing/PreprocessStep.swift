import FileIO
import Foundation
import ModelGraph

/// One step of the preprocessing pipeline, as written in `--preprocess`.
public enum PreprocessStep: Sendable, Equatable {
    /// Y = 0.299 R + 0.587 G + 0.114 B (OpenCV and TensorFlow).
    case gray
    case resize(width: Int, height: Int, method: ResizeMethod)
    /// `min + max − x` of the current range: 255 − x on 0..255, 1 − x on 0..1.
    case invert
    case scale(Float)
    case standardize(mean: Float, std: Float)
    /// The seed case's scaled sigmoid `1 / (1 + e^(−s(t − s/b)))` of the position t
    /// in the current range, mapped back into that range.
    case contrast(s: Float, b: Float)
    /// Gaussian blur with this sigma (OpenCV `GaussianBlur(ksize=(0,0))`, reflect-101 border).
    case blur(sigma: Float)
    /// Values above T become the range's max, the rest its min.
    case threshold(Float)
    /// Stretches the values linearly so that their min and max become the range's
    /// (OpenCV `normalize(…, NORM_MINMAX)`): a grey paper background and faint ink
    /// take the whole range, as scans normalised by their peak do.
    case normalize
    /// Crop to the ink, scale its longer side to `box` pixels, centre by mass in the model's input size.
    case fit(box: Int)
    /// To one vector (automatic when the model's input is a vector).
    case flatten

    /// The step as it is written on the command line.
    public var text: String {
        switch self {
        case .gray: "gray"
        case let .resize(width, height, method): "resize=\(width)x\(height):\(method.rawValue)"
        case .invert: "invert"
        case let .scale(factor): "scale=\(compact(factor))"
        case let .standardize(mean, std): "standardize=\(compact(mean)):\(compact(std))"
        case let .contrast(s, b): "contrast=\(compact(s)):\(compact(b))"
        case let .blur(sigma): "blur=\(compact(sigma))"
        case let .threshold(t): "threshold=\(compact(t))"
        case .normalize: "normalize"
        case let .fit(box): "fit=\(box)"
        case .flatten: "flatten"
        }
    }

    /// Parses a comma-separated pipeline (`gray,resize=28x28:area,invert`).
    /// Throws `PipelineError` naming the first step that makes no sense.
    public static func parse(_ pipeline: String) throws -> [PreprocessStep] {
        try pipeline.split(separator: ",", omittingEmptySubsequences: true).map { try parseStep(String($0).trimmingCharacters()) }
    }

    static let names = ["gray", "resize=WxH[:bilinear|area|nearest]", "invert", "scale=F", "standardize=MEAN:STD",
                        "contrast=S:B", "blur=SIGMA", "threshold=T", "normalize", "fit[=BOX]", "flatten"]

    static func parseStep(_ text: String) throws -> PreprocessStep {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let name = parts[0], argument = parts.count > 1 ? parts[1] : nil
        func bad(_ why: String) -> PipelineError { PipelineError("preprocessing step '\(text)': \(why)") }
        func number(_ string: String) throws -> Float {
            // Accepts fractions such as 1/255.
            let pieces = string.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let numerator = Float(pieces[0]), pieces.count == 1 || Float(pieces[1]) != nil else { throw bad("\(quoted(string)) is not a number") }
            let value = pieces.count == 2 ? numerator / Float(pieces[1])! : numerator
            guard value.isFinite else { throw bad("\(quoted(string)) is not a finite number") }
            return value
        }
        func pair(_ string: String?) throws -> (Float, Float) {
            let values = (string ?? "").split(separator: ":").map(String.init)
            guard values.count == 2 else { throw bad("expects two numbers separated by ':'") }
            return (try number(values[0]), try number(values[1]))
        }
        func noArgument(_ step: PreprocessStep) throws -> PreprocessStep {
            guard argument == nil else { throw bad("takes no value") }
            return step
        }
        switch name {
        case "gray", "grey": return try noArgument(.gray)
        case "invert": return try noArgument(.invert)
        case "flatten": return try noArgument(.flatten)
        case "normalize": return try noArgument(.normalize)
        case "resize":
            let pieces = (argument ?? "").split(separator: ":").map(String.init)
            let size = (pieces.first ?? "").lowercased().split(separator: "x").compactMap { Int($0) }
            guard size.count == 2, (1...16384).contains(size[0]), (1...16384).contains(size[1]) else {
                throw bad("expects WxH with sides from 1 to 16384, e.g. resize=28x28")
            }
            guard pieces.count <= 2, let method = pieces.count == 2 ? ResizeMethod(rawValue: pieces[1]) : .bilinear else {
                throw bad("the method must be bilinear, area or nearest")
            }
            return .resize(width: size[0], height: size[1], method: method)
        case "scale":
            guard let argument else { throw bad("expects a factor, e.g. scale=1/255") }
            return .scale(try number(argument))
        case "standardize":
            let (mean, std) = try pair(argument)
            guard std != 0 else { throw bad("the standard deviation must not be 0") }
            return .standardize(mean: mean, std: std)
        case "contrast":
            let (s, b) = try pair(argument)
            guard b != 0 else { throw bad("B must not be 0") }
            return .contrast(s: s, b: b)
        case "blur":
            guard let argument, let sigma = Optional(try number(argument)), sigma > 0, sigma <= 100 else {
                throw bad("expects a sigma above 0 and at most 100, e.g. blur=1")
            }
            return .blur(sigma: sigma)
        case "threshold":
            guard let argument else { throw bad("expects a level, e.g. threshold=128") }
            return .threshold(try number(argument))
        case "fit":
            guard let argument else { return .fit(box: 20) }
            guard let box = Int(argument), (1...4096).contains(box) else { throw bad("expects a box size from 1 to 4096, e.g. fit=20") }
            return .fit(box: box)
        default:
            throw bad("unknown step; steps are \(names.joined(separator: ", "))")
        }
    }
}

/// A number without a trailing `.0`: `0.00392157`, `25`.
func compact(_ value: Float) -> String {
    value == value.rounded() && abs(value) < 1e7 ? String(Int(value)) : String(format: "%g", Double(value))
}

extension String {
    func trimmingCharacters() -> String {
        var result = Substring(self)
        while result.first?.isWhitespace == true { result.removeFirst() }
        while result.last?.isWhitespace == true { result.removeLast() }
        return String(result)
    }
}
