import Foundation

/// One property of an input image that a profile records for its data and
/// `doctor` compares: the value range, the background and polarity, where and
/// how large the ink is, and how its edges, contrast and noise look.
///
/// All are measured on the model's input as an image (its grey level: the mean
/// over channels). "Ink" is what differs from the background (the median of
/// the border pixels) by more than a quarter of the image's largest difference
/// from it, so the ink measures do not depend on the value range.
public enum InputMeasure: String, CaseIterable, Codable, Sendable {
    case minimum, maximum, mean, deviation
    /// The median of the border pixels.
    case background
    /// (mean of the centre half − background) / (max − min): positive for light ink on dark.
    case polarity
    /// The share of pixels that are ink.
    case inkFraction = "ink_fraction"
    /// The ink's bounding box: its longer side over the image's side.
    case inkExtent = "ink_extent"
    /// The ink's centre of mass (weighted by the difference from the background),
    /// from the image centre, in image heights (down is positive).
    case centreRow = "centre_row"
    /// As `centreRow`, in image widths (right is positive).
    case centreColumn = "centre_column"
    /// The mean of the steepest quarter of edge gradients, with the ink scaled to
    /// 0 (background) .. 1 (strongest ink): about 1 for hard edges, lower for blurred.
    case sharpness
    /// The mean difference of ink pixels from the background, in value units.
    case contrast
    /// The mean absolute Laplacian of the scaled image over flat background areas.
    case noise

    /// Differences within which two values are taken as the same (`QuantileTable.tolerance`),
    /// given the data's typical value span.
    func tolerance(valueSpan: Double) -> Double {
        switch self {
        case .minimum, .maximum, .mean, .deviation, .background, .contrast: 0.02 * valueSpan
        case .polarity: 0.05
        case .inkFraction: 0.02
        case .inkExtent: 0.05
        case .centreRow, .centreColumn: 0.04
        case .sharpness: 0.05
        case .noise: 0.02
        }
    }
}

/// The `InputMeasure`s of one image.
public struct InputMeasures: Sendable, Equatable {
    /// Indexed by `InputMeasure.allCases`.
    public private(set) var values: [Double]

    public subscript(_ measure: InputMeasure) -> Double {
        get { values[InputMeasure.allCases.firstIndex(of: measure)!] }
        set { values[InputMeasure.allCases.firstIndex(of: measure)!] = newValue }
    }

    /// Measures `pixels`, an `height × width × channels` image, row-major.
    public init(pixels: some Collection<Float>, height: Int, width: Int, channels: Int) {
        values = [Double](repeating: 0, count: InputMeasure.allCases.count)
        let all = Array(pixels).map(Double.init)
        precondition(all.count == height * width * channels && height > 0 && width > 0 && channels > 0)
        var gray = [Double](repeating: 0, count: height * width)
        for i in gray.indices {
            var sum = 0.0
            for c in 0..<channels { sum += all[i * channels + c] }
            gray[i] = sum / Double(channels)
        }
        let finite = all.filter(\.isFinite)
        guard !finite.isEmpty else { return }
        let mean = finite.reduce(0, +) / Double(finite.count)
        self[.minimum] = finite.min()!
        self[.maximum] = finite.max()!
        self[.mean] = mean
        self[.deviation] = (finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(finite.count)).squareRoot()
        guard gray.allSatisfy(\.isFinite) else { return }
        func at(_ y: Int, _ x: Int) -> Double { gray[y * width + x] }

        var border: [Double] = []
        for x in 0..<width { border += [at(0, x), at(height - 1, x)] }
        for y in 0..<height { border += [at(y, 0), at(y, width - 1)] }
        border.sort()
        let background = border[border.count / 2]
        self[.background] = background
        let span = (gray.max()! - gray.min()!)
        guard span > 0 else { return }
        var centreSum = 0.0, centreCount = 0
        for y in (height / 4)..<max(height / 4 + 1, 3 * height / 4) {
            for x in (width / 4)..<max(width / 4 + 1, 3 * width / 4) { centreSum += at(y, x); centreCount += 1 }
        }
        self[.polarity] = (centreSum / Double(centreCount) - background) / span

        // Ink: the difference from the background, scaled to 0...1 by its largest value.
        let difference = gray.map { abs($0 - background) }
        let largest = difference.max()!
        guard largest > 0 else { return }
        let scaled = difference.map { $0 / largest }
        var inkCount = 0, top = height, bottom = -1, left = width, right = -1
        var mass = 0.0, rowMoment = 0.0, columnMoment = 0.0, inkDifference = 0.0
        for y in 0..<height {
            for x in 0..<width {
                let t = scaled[y * width + x]
                mass += t; rowMoment += t * Double(y); columnMoment += t * Double(x)
                guard t > 0.25 else { continue }
                inkCount += 1
                inkDifference += difference[y * width + x]
                top = min(top, y); bottom = max(bottom, y); left = min(left, x); right = max(right, x)
            }
        }
        self[.inkFraction] = Double(inkCount) / Double(height * width)
        self[.inkExtent] = max(Double(bottom - top + 1) / Double(height), Double(right - left + 1) / Double(width))
        self[.centreRow] = (rowMoment / mass - Double(height - 1) / 2) / Double(height)
        self[.centreColumn] = (columnMoment / mass - Double(width - 1) / 2) / Double(width)
        self[.contrast] = inkDifference / Double(inkCount)

        // Edges: forward-difference gradients of the scaled ink; the steepest quarter of those above 0.05.
        var gradients: [Double] = []
        for y in 0..<(height - 1) {
            for x in 0..<(width - 1) {
                let t = scaled[y * width + x]
                let g = ((scaled[y * width + x + 1] - t) * (scaled[y * width + x + 1] - t)
                    + (scaled[(y + 1) * width + x] - t) * (scaled[(y + 1) * width + x] - t)).squareRoot()
                if g > 0.05 { gradients.append(g) }
            }
        }
        if !gradients.isEmpty {
            gradients.sort(by: >)
            let steepest = gradients.prefix(max(1, gradients.count / 4))
            self[.sharpness] = steepest.reduce(0, +) / Double(steepest.count)
        }

        // Noise: the Laplacian where the image and its neighbours are background.
        var laplacianSum = 0.0, flatCount = 0
        if height > 2, width > 2 {
            for y in 1..<(height - 1) {
                for x in 1..<(width - 1) {
                    var flat = true
                    for dy in -1...1 { for dx in -1...1 where scaled[(y + dy) * width + x + dx] >= 0.25 { flat = false } }
                    guard flat else { continue }
                    let i = y * width + x
                    laplacianSum += abs(4 * scaled[i] - scaled[i - 1] - scaled[i + 1] - scaled[i - width] - scaled[i + width])
                    flatCount += 1
                }
            }
        }
        self[.noise] = flatCount > 0 ? laplacianSum / Double(flatCount) : 0
    }
}
