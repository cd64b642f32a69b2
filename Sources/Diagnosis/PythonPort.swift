import Foundation
import InputPipeline
import ModelGraph

/// A LayerLens pipeline written as Python (NumPy and OpenCV) that a user can
/// paste into their app: `preprocess(path)` returns the model input LayerLens
/// computes, within a grey level (`make_doctor.py check-python` checks it).
///
/// Each step is spelled with the constants LayerLens used at that point (an
/// `invert` is `min + max − x` of the range the values had there), and `fit` is
/// written out in full: OpenCV has no such step.
public enum PythonPort {
    /// The code for an image at any path, run through `steps` (each with the
    /// value range it received: `ranges[i]`) into a model input of `modelShape`.
    public static func code(steps: [PreprocessStep], ranges: [ClosedRange<Float>], modelShape: [Int]) -> String {
        var lines = [
            "import math",
            "",
            "import cv2",
            "import numpy as np",
            "",
            "",
            "def load_image(path):",
            "    \"\"\"Decodes as LayerLens does: colour as RGB (alpha over white), grey as grey,",
            "    float32 in 0..255 (16-bit PNGs divided by 257); JPEGs turned by their EXIF orientation.\"\"\"",
            "    image = cv2.imread(path, cv2.IMREAD_UNCHANGED | cv2.IMREAD_ANYDEPTH)",
            "    if image is None:",
            "        raise ValueError(f\"cannot read {path}\")",
            "    if not path.lower().endswith(\".png\"):",
            "        image = cv2.imread(path, cv2.IMREAD_COLOR if image.ndim == 3 else cv2.IMREAD_GRAYSCALE)",
            "    divisor = 257.0 if image.dtype == np.uint16 else 1.0",
            "    image = image.astype(np.float32) / np.float32(divisor)",
            "    if image.ndim == 3 and image.shape[2] == 4:",
            "        alpha = image[..., 3:] / np.float32(255)",
            "        image = image[..., :3] * alpha + np.float32(255) * (1 - alpha)",
            "    if image.ndim == 3:",
            "        image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)",
            "    return image.astype(np.float32)",
            "",
        ]
        if steps.contains(where: { if case .fit = $0 { true } else { false } }) { lines += fitFunction }
        lines += ["", "def preprocess(path):",
                  "    \"\"\"The model input for the image at `path`: LayerLens's --preprocess \(steps.map(\.text).joined(separator: ","))\"\"\"",
                  "    image = load_image(path)"]
        for (step, range) in zip(steps, ranges) { lines += statements(step, range: range, modelShape: modelShape).map { "    " + $0 } }
        lines.append("    return image.reshape((1, \(modelShape.map(String.init).joined(separator: ", "))\(modelShape.count == 1 ? "," : ""))).astype(np.float32)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `np.float32(x)` with every digit a Float needs.
    static func literal(_ value: Float) -> String { "np.float32(\(value.description))" }

    static func statements(_ step: PreprocessStep, range: ClosedRange<Float>, modelShape: [Int]) -> [String] {
        let low = literal(range.lowerBound), high = literal(range.upperBound)
        switch step {
        case .gray:
            return ["if image.ndim == 3:", "    image = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)  # 0.299 R + 0.587 G + 0.114 B"]
        case let .resize(width, height, method):
            switch method {
            case .bilinear: return ["image = cv2.resize(image, (\(width), \(height)), interpolation=cv2.INTER_LINEAR)"]
            case .area: return ["image = cv2.resize(image, (\(width), \(height)), interpolation=cv2.INTER_AREA)"]
            case .nearest:
                return ["# TensorFlow's half-pixel nearest neighbour (OpenCV's INTER_NEAREST picks other pixels)",
                        "rows = np.minimum(np.floor((np.arange(\(height), dtype=np.float32) + np.float32(0.5)) * np.float32(image.shape[0] / \(height))).astype(int), image.shape[0] - 1)",
                        "cols = np.minimum(np.floor((np.arange(\(width), dtype=np.float32) + np.float32(0.5)) * np.float32(image.shape[1] / \(width))).astype(int), image.shape[1] - 1)",
                        "image = image[rows][:, cols]"]
            }
        case .invert:
            return ["image = (\(low) + \(high)) - image  # invert within \(compactRange(range))"]
        case let .scale(factor):
            return ["image = image * \(literal(factor))"]
        case let .standardize(mean, std):
            return ["image = (image - \(literal(mean))) / \(literal(std))"]
        case let .contrast(s, b):
            return ["span = \(high) - \(low)",
                    "t = (image - \(low)) / span if span > 0 else np.zeros_like(image)",
                    "image = (\(low) + span / (1 + np.exp(-\(literal(s)) * (t - \(literal(s)) / \(literal(b)))))).astype(np.float32)"]
        case let .blur(sigma):
            return ["image = cv2.GaussianBlur(image, (0, 0), \(sigma.description), borderType=cv2.BORDER_REFLECT_101)"]
        case let .threshold(level):
            return ["image = np.where(image > \(literal(level)), \(high), \(low)).astype(np.float32)"]
        case .normalize:
            return ["if image.max() > image.min():  # a flat image is left as it is",
                    "    image = cv2.normalize(image, None, \(range.lowerBound.description), \(range.upperBound.description), cv2.NORM_MINMAX)"]
        case let .fit(box):
            let (height, width) = modelImageSize(modelShape)
            return ["image = fit_ink(image, \(min(box, max(width, height))), \(width), \(height), \(low), \(high))"]
        case .flatten:
            return []
        }
    }

    static func compactRange(_ range: ClosedRange<Float>) -> String { "\(range.lowerBound.description)..\(range.upperBound.description)" }

    /// The image height and width a model input shape implies.
    static func modelImageSize(_ shape: [Int]) -> (Int, Int) {
        (try? Preprocessor.imageShape(for: shape)).map { ($0.height, $0.width) } ?? (shape.first ?? 1, shape.dropFirst().first ?? 1)
    }

    static let fitFunction = [
        "",
        "def round_half_away(value):",
        "    \"\"\"Rounds halves away from zero, as Swift does (Python's round() rounds them to even).\"\"\"",
        "    return int(math.copysign(math.floor(abs(value) + 0.5), value))",
        "",
        "",
        "def fit_ink(image, box, width, height, low, high):",
        "    \"\"\"LayerLens's `fit`: the background is the median of the border pixels; ink is what",
        "    differs from it by more than a quarter of the value range; the ink's bounding box is",
        "    cropped, its longer side scaled to `box` pixels (INTER_AREA when shrinking, else",
        "    INTER_LINEAR), and pasted on a canvas of the background, centred by its centre of mass.\"\"\"",
        "    border = np.concatenate([image[0, :], image[-1, :], image[:, 0], image[:, -1]])",
        "    background = np.sort(border)[len(border) // 2]",
        "    canvas = np.full((height, width), background, np.float32)",
        "    ink = np.abs(image - background) > (high - low) / np.float32(4)",
        "    if not ink.any():",
        "        return canvas",
        "    rows, cols = np.nonzero(ink)",
        "    crop = image[rows.min():rows.max() + 1, cols.min():cols.max() + 1]",
        "    longer = max(crop.shape)",
        "    scaled_width = max(1, round_half_away(crop.shape[1] * box / longer))",
        "    scaled_height = max(1, round_half_away(crop.shape[0] * box / longer))",
        "    method = cv2.INTER_AREA if longer > box else cv2.INTER_LINEAR",
        "    glyph = cv2.resize(crop, (scaled_width, scaled_height), interpolation=method)",
        "    weight = np.abs(glyph - background).astype(np.float64)",
        "    mass = weight.sum()",
        "    ys, xs = np.indices(glyph.shape)",
        "    centre_y = (weight * ys).sum() / mass if mass > 0 else (glyph.shape[0] - 1) / 2",
        "    centre_x = (weight * xs).sum() / mass if mass > 0 else (glyph.shape[1] - 1) / 2",
        "    top = round_half_away((height - 1) / 2 - centre_y)",
        "    left = round_half_away((width - 1) / 2 - centre_x)",
        "    for y in range(glyph.shape[0]):",
        "        for x in range(glyph.shape[1]):",
        "            if 0 <= y + top < height and 0 <= x + left < width:",
        "                canvas[y + top, x + left] = glyph[y, x]",
        "    return canvas",
        "",
    ]
}
