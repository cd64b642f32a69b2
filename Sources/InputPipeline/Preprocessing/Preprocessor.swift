import Foundation
import ModelGraph

/// One step as it ran: what it was and what came out.
public struct StepRecord: Sendable {
    /// The step as written (`resize=28x28:area`).
    public let text: String
    /// Whether LayerLens added it (the model's input shape forced it) rather than the user.
    public let implicit: Bool
    /// The shape after the step: `(H, W)` or `(H, W, C)`, or `(N,)` after flatten.
    public let shape: [Int]
    /// The nominal value range after the step.
    public let range: ClosedRange<Float>
    /// The actual min, max and mean after the step.
    public let statistics: ValueStatistics
}

/// An image made ready for a model, with everything that was done to it.
public struct PreprocessedInput: Sendable {
    /// The decoded image, before any step.
    public let raw: Raster
    /// The image after the last step that kept it an image (before flatten).
    public let processed: Raster
    /// Every step in order, implicit ones included.
    public let steps: [StepRecord]
    /// The model's input, `[1] + model input shape`.
    public let tensor: Tensor
    /// Whether no `--preprocess` was given and only what the model's input shape forces was done.
    public let isDefaultPipeline: Bool
}

/// Runs the preprocessing pipeline on a decoded image, tracking the nominal value
/// range through every step and fitting the result to the model's input shape.
public enum Preprocessor {
    /// The image size and channel count a model input shape implies: `(28, 28, 1)`
    /// for a 784-vector, `(H, W, C)` for an image input.
    public static func imageShape(for inputShape: [Int]) throws -> (height: Int, width: Int, channels: Int) {
        switch inputShape.count {
        case 1:
            let n = inputShape[0]
            for channels in [1, 3] where n % channels == 0 {
                let side = Int(Double(n / channels).squareRoot().rounded())
                if side * side * channels == n { return (side, side, channels) }
            }
            throw PipelineError("the model's input (\(n),) is not a square image of 1 or 3 channels, so an image cannot be fitted to it; pass an .npy input")
        case 2: return (inputShape[0], inputShape[1], 1)
        case 3 where [1, 3].contains(inputShape[2]): return (inputShape[0], inputShape[1], inputShape[2])
        default:
            throw PipelineError("the model's input \(shapeDescription(inputShape)) is not an image shape")
        }
    }

    /// Runs `steps` (or, when nil, only what the model's input shape forces: gray
    /// for one channel, resize to its size) on `raw`, then flattens for a vector
    /// input. User steps must themselves produce the model's image size; a
    /// `PipelineError` says what they produced instead.
    public static func run(_ steps: [PreprocessStep]?, on raw: Raster, modelInputShape: [Int]) throws -> PreprocessedInput {
        let target = try imageShape(for: modelInputShape)
        var current = raw
        var records: [StepRecord] = []
        var flattened = false
        for step in steps ?? [] {
            if step == .flatten { flattened = true } else {
                guard !flattened else { throw PipelineError("preprocessing step '\(step.text)': comes after flatten, which must be last") }
                current = try apply(step, to: current, target: target)
            }
            records.append(record(step, implicit: false, result: current, flattened: flattened))
        }
        // Without --preprocess, what the model's shape forces; with it, the user's
        // steps must produce that shape themselves (only flatten is added).
        var forced: [PreprocessStep] = []
        if steps == nil {
            if target.channels == 1, current.channels == 3 { forced.append(.gray) }
            if current.height != target.height || current.width != target.width {
                forced.append(.resize(width: target.width, height: target.height, method: .bilinear))
            }
        } else if current.height != target.height || current.width != target.width || current.channels != target.channels {
            throw PipelineError("the pipeline produces \(describe(current)); the model expects \(target.height)×\(target.width)×\(target.channels)"
                + (current.channels != target.channels ? (target.channels == 1 ? "; add 'gray'" : "") : "; add resize=\(target.width)x\(target.height)"))
        }
        for step in forced {
            current = try apply(step, to: current, target: target)
            records.append(record(step, implicit: true, result: current, flattened: false))
        }
        if modelInputShape.count == 1, !flattened {
            flattened = true
            records.append(record(.flatten, implicit: true, result: current, flattened: true))
        }
        guard current.channels == target.channels else {
            throw PipelineError("the pipeline produces \(current.channels) channel(s); the model expects \(target.channels)")
        }
        return PreprocessedInput(raw: raw, processed: current, steps: records,
                                 tensor: Tensor(shape: [1] + modelInputShape, scalars: current.values),
                                 isDefaultPipeline: steps == nil)
    }

    /// `28×28×1`.
    static func describe(_ raster: Raster) -> String { "\(raster.height)×\(raster.width)×\(raster.channels)" }

    /// What `step` left behind in `result`.
    static func record(_ step: PreprocessStep, implicit: Bool, result: Raster, flattened: Bool) -> StepRecord {
        StepRecord(text: step.text, implicit: implicit, shape: flattened ? [result.values.count] : result.shape,
                   range: result.range, statistics: result.statistics)
    }

    static func apply(_ step: PreprocessStep, to raster: Raster, target: (height: Int, width: Int, channels: Int)) throws -> Raster {
        var output = raster
        let low = raster.range.lowerBound, high = raster.range.upperBound
        switch step {
        case .gray:
            guard raster.channels == 3 else { return raster }
            let gray = raster.bytes.map(grayscale) ?? grayscale(raster.values)
            output = Raster(height: raster.height, width: raster.width, channels: 1, values: gray, range: raster.range)
        case let .resize(width, height, method):
            output = raster.resized(width: width, height: height, method: method)
        case .invert:
            output.values = raster.values.map { low + high - $0 }
        case let .scale(factor):
            output.values = raster.values.map { $0 * factor }
            output.range = ordered(low * factor, high * factor)
        case let .standardize(mean, std):
            output.values = raster.values.map { ($0 - mean) / std }
            output.range = ordered((low - mean) / std, (high - mean) / std)
        case let .contrast(s, b):
            let span = high - low
            output.values = raster.values.map { x in
                let t = span > 0 ? (x - low) / span : 0
                return low + span / (1 + exp(-s * (t - s / b)))
            }
        case let .blur(sigma):
            output = GaussianBlur.blur(raster, sigma: sigma)
        case let .threshold(level):
            output.values = raster.values.map { $0 > level ? high : low }
        case .normalize:
            let smallest = raster.values.min() ?? 0, largest = raster.values.max() ?? 0
            guard largest > smallest, smallest.isFinite, largest.isFinite else { break }
            // OpenCV's order of operations: one scale and one shift, in Double, rounded to Float once.
            let scale = Double(high - low) / Double(largest - smallest), shift = Double(low) - Double(smallest) * scale
            output.values = raster.values.map { Float(Double($0) * scale + shift) }
        case let .fit(box):
            output = try InkFit.fit(raster, box: min(box, max(target.width, target.height)), width: target.width, height: target.height)
        case .flatten:
            break
        }
        return output
    }

    private static func ordered(_ a: Float, _ b: Float) -> ClosedRange<Float> { min(a, b)...max(a, b) }

    /// `0.299 R + 0.587 G + 0.114 B` of each pixel of RGB samples, as OpenCV's `cvtColor` weighs them.
    private static func grayscale<Sample: ResamplingSample>(_ rgb: [Sample]) -> [Float] {
        [Float].large(count: rgb.count / 3) { gray in
            rgb.withUnsafeBufferPointer { rgb in
                for i in gray.indices {
                    gray[i] = 0.299 * rgb[3 * i].floatValue + 0.587 * rgb[3 * i + 1].floatValue + 0.114 * rgb[3 * i + 2].floatValue
                }
            }
        }
    }
}
