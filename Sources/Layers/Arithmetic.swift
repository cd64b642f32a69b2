import ModelGraph

/// `x · scale + offset`, where scale and offset are scalars or broadcast along
/// the trailing axes (Keras's Rescaling layer).
public struct Rescaling: UnaryLayer {
    public let name: String
    /// One value, or one per position of the trailing axes.
    public let scale: [Float]
    /// One value, or one per position of the trailing axes.
    public let offset: [Float]

    public init(name: String, scale: [Float], offset: [Float]) {
        self.name = name
        self.scale = scale
        self.offset = offset
    }

    public func outputShape(for input: [Int]) throws -> [Int] {
        // Broadcasting works when the values cover exactly the last k axes.
        let trailingSizes = input.reversed().reduce(into: [1]) { sizes, extent in sizes.append(sizes.last! * extent) }
        for values in [scale, offset] where values.count != 1 {
            guard trailingSizes.contains(values.count) else {
                throw LayerError(self, "\(values.count) scale/offset values do not broadcast over shape \(shapeDescription(input))")
            }
        }
        return input
    }

    public func forward(_ input: Tensor) -> Tensor {
        var output = input
        for index in output.scalars.indices {
            output.scalars[index] = output.scalars[index] * scale[index % scale.count] + offset[index % offset.count]
        }
        return output
    }
}
