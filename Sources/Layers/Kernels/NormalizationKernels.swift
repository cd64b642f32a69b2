import CKernels
import Foundation
import ModelGraph

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
    // Written out of place: the input stays in the trace. The positions are spread over the cores.
    let output = [Float].large(count: input.count) { target in
        input.scalars.withUnsafeBufferPointer { source in
            parallelRanges(input.count / max(channels, 1), grain: max(1, (1 << 16) / max(channels, 1))) { positions in
                let first = positions.lowerBound * channels
                ll_affine_channels(source.baseAddress! + first, target.baseAddress! + first, positions.count, channels, scale, shift)
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
