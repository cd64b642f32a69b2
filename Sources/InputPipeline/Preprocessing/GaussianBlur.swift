import Foundation
import ModelGraph

/// Gaussian blur as OpenCV's `GaussianBlur(src, (0, 0), sigma)` computes it on
/// float images: kernel size `round(8σ + 1) | 1`, weights `e^(−x²/2σ²)`
/// normalised in Double, separable, with the reflect-101 border (`dcb|abcd|cba`).
enum GaussianBlur {
    static func kernel(sigma: Float) -> [Float] {
        let size = Int((Double(sigma) * 8 + 1).rounded()) | 1
        let centre = Double(size - 1) / 2
        let raw = (0..<size).map { exp(-pow(Double($0) - centre, 2) / (2 * Double(sigma) * Double(sigma))) }
        let total = raw.reduce(0, +)
        return raw.map { Float($0 / total) }
    }

    /// The reflect-101 index of `index` in `0..<count`.
    static func reflect(_ index: Int, _ count: Int) -> Int {
        guard count > 1 else { return 0 }
        var i = index
        while i < 0 || i >= count { i = i < 0 ? -i : 2 * (count - 1) - i }
        return i
    }

    static func blur(_ raster: Raster, sigma: Float) -> Raster {
        let weights = kernel(sigma: sigma)
        let radius = weights.count / 2
        let columns = (0..<raster.width).map { x in
            Resampling.Tap(indices: (-radius...radius).map { reflect(x + $0, raster.width) }, weights: weights)
        }
        let rows = (0..<raster.height).map { y in
            Resampling.Tap(indices: (-radius...radius).map { reflect(y + $0, raster.height) }, weights: weights)
        }
        return raster.filtered(rows: rows, columns: columns)
    }
}
