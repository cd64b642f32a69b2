import Foundation

/// How an image is resampled.
public enum ResizeMethod: String, Sendable, CaseIterable {
    /// Half-pixel centres, no antialiasing: `tf.image.resize` and OpenCV `INTER_LINEAR`.
    case bilinear
    /// OpenCV `INTER_AREA`: pixel-area averaging when shrinking.
    case area
    /// Half-pixel nearest neighbour, as TensorFlow's `nearest`.
    case nearest
}

/// Separable resampling of `height × width × channels` float images, written out
/// to match OpenCV's `resize` on float images (which `tf.image.resize` bilinear
/// also matches): each output column/row is a weighted sum of a few input
/// columns/rows, given by per-axis tables. Used by the preprocessing pipeline
/// and by bilinear UpSampling2D. Hand-written because no C library on Debian
/// reproduces OpenCV's and TensorFlow's exact rules.
public enum Resampling {
    /// One output position's inputs and weights along one axis.
    public struct Tap: Sendable {
        public var indices: [Int]
        public var weights: [Float]

        public init(indices: [Int], weights: [Float]) {
            self.indices = indices
            self.weights = weights
        }
    }

    /// `values` (`height × width × channels`) resized to `newHeight × newWidth`.
    public static func resize<Sample: ResamplingSample>(_ values: [Sample], height: Int, width: Int, channels: Int,
                                                        toHeight newHeight: Int, toWidth newWidth: Int, method: ResizeMethod) -> [Float] {
        let (rows, columns) = taps(height: height, width: width, toHeight: newHeight, toWidth: newWidth, method: method)
        return apply(values, height: height, width: width, channels: channels, rows: rows, columns: columns)
    }

    /// Every sample of an `[N, H, W, C]` batch resized to `newHeight × newWidth`.
    public static func resize(_ batch: Tensor, toHeight newHeight: Int, toWidth newWidth: Int, method: ResizeMethod) -> Tensor {
        let (count, height, width, channels) = (batch.shape[0], batch.shape[1], batch.shape[2], batch.shape[3])
        let (rows, columns) = taps(height: height, width: width, toHeight: newHeight, toWidth: newWidth, method: method)
        let sample = height * width * channels
        let scalars = (0..<count).flatMap { n in
            apply(Array(batch.scalars[(n * sample)..<((n + 1) * sample)]), height: height, width: width, channels: channels,
                  rows: rows, columns: columns)
        }
        return Tensor(shape: [count, newHeight, newWidth, channels], scalars: scalars)
    }

    /// The row and column taps of a resize.
    static func taps(height: Int, width: Int, toHeight newHeight: Int, toWidth newWidth: Int, method: ResizeMethod) -> (rows: [Tap], columns: [Tap]) {
        // As OpenCV computes them: the inverse of the inverse scale, which can
        // differ from width / newWidth in the last bit and move a floor().
        let scaleX = 1 / (Double(newWidth) / Double(width))
        let scaleY = 1 / (Double(newHeight) / Double(height))
        switch method {
        case .bilinear:
            return (linearTaps(source: height, destination: newHeight, scale: scaleY, areaRule: false),
                    linearTaps(source: width, destination: newWidth, scale: scaleX, areaRule: false))
        case .area where scaleX >= 1 && scaleY >= 1:
            return (areaTaps(source: height, destination: newHeight, scale: scaleY), areaTaps(source: width, destination: newWidth, scale: scaleX))
        case .area:
            // OpenCV enlarges with INTER_AREA through its linear path with another weight rule.
            return (linearTaps(source: height, destination: newHeight, scale: scaleY, areaRule: true),
                    linearTaps(source: width, destination: newWidth, scale: scaleX, areaRule: true))
        case .nearest:
            return (nearestTaps(source: height, destination: newHeight, scale: scaleY), nearestTaps(source: width, destination: newWidth, scale: scaleX))
        }
    }

    /// OpenCV `INTER_LINEAR` (half-pixel centres, edges clamped) or, with
    /// `areaRule`, the weights OpenCV's `INTER_AREA` uses when enlarging.
    static func linearTaps(source: Int, destination: Int, scale: Double, areaRule: Bool) -> [Tap] {
        (0..<destination).map { d in
            var start: Int
            var fraction: Float
            if areaRule {
                start = Int(floor(Double(d) * scale))
                let f = Float(Double(d + 1) - Double(start + 1) / scale)
                fraction = f <= 0 ? 0 : f - floor(f)
            } else {
                let position = Float((Double(d) + 0.5) * scale - 0.5)
                start = Int(floor(position))
                fraction = position - Float(start)
            }
            if start < 0 { start = 0; fraction = 0 }
            if start >= source - 1 { start = source - 1; fraction = 0 }
            return fraction == 0 ? Tap(indices: [start], weights: [1]) : Tap(indices: [start, start + 1], weights: [1 - fraction, fraction])
        }
    }

    /// OpenCV `INTER_AREA` when shrinking: each output pixel averages the input
    /// pixels its footprint covers, partial pixels weighted by the covered part.
    static func areaTaps(source: Int, destination: Int, scale: Double) -> [Tap] {
        (0..<destination).map { d in
            let from = Double(d) * scale, to = from + scale
            let cell = min(scale, Double(source) - from)
            var first = Int(ceil(from)), last = Int(floor(to))
            last = min(last, source - 1)
            first = min(first, last)
            var tap = Tap(indices: [], weights: [])
            if Double(first) - from > 1e-3 {
                tap.indices.append(first - 1)
                tap.weights.append(Float((Double(first) - from) / cell))
            }
            for index in first..<max(first, last) {
                tap.indices.append(index)
                tap.weights.append(Float(1 / cell))
            }
            if to - Double(last) > 1e-3 {
                tap.indices.append(last)
                tap.weights.append(Float(min(min(to - Double(last), 1), cell) / cell))
            }
            return tap
        }
    }

    /// TensorFlow's `nearest` (half-pixel centres): the input pixel whose centre is
    /// nearest the output pixel's centre, `floor((d + 0.5) · scale)` in Float as TF computes it.
    static func nearestTaps(source: Int, destination: Int, scale: Double) -> [Tap] {
        let step = Float(Double(source) / Double(destination))
        return (0..<destination).map { d in
            Tap(indices: [min(Int(floor((Float(d) + 0.5) * step)), source - 1)], weights: [1])
        }
    }

    /// Applies column taps to every row of `values` (`height × width × channels`), then row taps to the result.
    /// Each output value sums its taps in order from 0, as OpenCV does, so the result is bit for bit the same.
    /// The samples are floats, or the bytes of a decoded 8-bit image (widened as they are read).
    public static func apply<Sample: ResamplingSample>(_ values: [Sample], height: Int, width: Int, channels: Int,
                                                       rows: [Tap], columns: [Tap]) -> [Float] {
        let rowLength = columns.count * channels
        // The column taps as flat tables (offsets within a row, weights, each column's end),
        // so the inner loop reads plain memory rather than an array per tap.
        let offsets = columns.flatMap { $0.indices.map { $0 * channels } }, weights = columns.flatMap(\.weights)
        var ends: [Int] = []
        for tap in columns { ends.append((ends.last ?? 0) + tap.indices.count) }
        var horizontal = [Float](repeating: 0, count: height * rowLength)
        values.withUnsafeBufferPointer { source in
            horizontal.withUnsafeMutableBufferPointer { target in
                offsets.withUnsafeBufferPointer { offsets in
                    weights.withUnsafeBufferPointer { weights in
                        for y in 0..<height {
                            let sourceRow = source.baseAddress! + y * width * channels
                            let targetRow = target.baseAddress! + y * rowLength
                            var start = 0
                            for (x, end) in ends.enumerated() {
                                for c in 0..<channels {
                                    var sum: Float = 0
                                    for k in start..<end { sum += sourceRow[offsets[k] + c].floatValue * weights[k] }
                                    targetRow[x * channels + c] = sum
                                }
                                start = end
                            }
                        }
                    }
                }
            }
        }
        var output = [Float](repeating: 0, count: rows.count * rowLength)
        horizontal.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                for (y, tap) in rows.enumerated() {
                    for k in 0..<tap.indices.count {
                        let from = tap.indices[k] * rowLength, weight = tap.weights[k], to = y * rowLength
                        for i in 0..<rowLength { target[to + i] += source[from + i] * weight }
                    }
                }
            }
        }
        return output
    }
}

/// A sample type images are resampled from: a float, or a byte of a decoded 8-bit image.
public protocol ResamplingSample: Sendable, Equatable {
    /// The sample as a float (a byte's value 0...255 exactly).
    var floatValue: Float { get }
}

extension Float: ResamplingSample {
    @inline(__always) public var floatValue: Float { self }
}

extension UInt8: ResamplingSample {
    @inline(__always) public var floatValue: Float { Float(self) }
}
