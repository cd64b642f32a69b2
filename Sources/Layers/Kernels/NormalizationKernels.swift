import Foundation
import ModelGraph

/// The mean or max of each channel over every position of each sample, accumulated in Double.
func globalPool(_ input: Tensor, kind: Pooling2D.Kind, outputShape: [Int]) -> Tensor {
    let batch = input.shape[0], channels = input.shape.last!
    let positions = input.count / max(batch * channels, 1)
    var output = [Float](repeating: 0, count: batch * channels)
    for n in 0..<batch {
        for c in 0..<channels {
            var sum = 0.0, largest = -Float.infinity
            for p in 0..<positions {
                let value = input.scalars[(n * positions + p) * channels + c]
                sum += Double(value)
                if value > largest || value.isNaN { largest = value }
            }
            output[n * channels + c] = kind == .max ? largest : Float(sum / Double(max(positions, 1)))
        }
    }
    return Tensor(shape: [batch] + outputShape, scalars: output)
}

/// `γ (x − mean) / √(var + ε) + β` along the last axis with per-channel statistics.
func batchNormalize(_ input: Tensor, layer: BatchNormalization) -> Tensor {
    let channels = layer.movingMean.count
    // The per-channel affine map and each value through it are taken in Double
    // and rounded once: `β − mean · scale` cancels, and in Float it costs deep
    // networks several times Keras's own distance from exact arithmetic.
    let scale = (0..<channels).map { c in
        Double(layer.gamma?.scalars[c] ?? 1) / (Double(layer.movingVariance.scalars[c]) + Double(layer.epsilon)).squareRoot()
    }
    let shift = (0..<channels).map { c in Double(layer.beta?.scalars[c] ?? 0) - Double(layer.movingMean.scalars[c]) * scale[c] }
    // Written out of place: the input stays in the trace.
    let output = [Float].large(count: input.count) { target in
        input.scalars.withUnsafeBufferPointer { source in
            for start in stride(from: 0, to: source.count, by: channels) {
                for c in 0..<channels { target[start + c] = Float(Double(source[start + c]) * scale[c] + shift[c]) }
            }
        }
    }
    return Tensor(shape: input.shape, scalars: output)
}

/// Normalises every position's last-axis vector by its own mean and variance.
func layerNormalize(_ input: Tensor, layer: LayerNormalization) -> Tensor {
    let width = input.shape.last!
    var output = input
    for start in stride(from: 0, to: input.count, by: width) {
        var mean = 0.0
        for i in 0..<width { mean += Double(input.scalars[start + i]) }
        mean /= Double(width)
        var variance = 0.0
        for i in 0..<width { variance += (Double(input.scalars[start + i]) - mean) * (Double(input.scalars[start + i]) - mean) }
        variance /= Double(width)
        let inverse = 1 / (variance + Double(layer.epsilon)).squareRoot()
        for i in 0..<width {
            let normalised = Float((Double(input.scalars[start + i]) - mean) * inverse)
            output.scalars[start + i] = normalised * (layer.gamma?.scalars[i] ?? 1) + (layer.beta?.scalars[i] ?? 0)
        }
    }
    return output
}
