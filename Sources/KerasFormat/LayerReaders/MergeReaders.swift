import Layers
import ModelGraph

/// The merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum (broadcasting), Concatenate, Dot.
enum MergeReader: KerasLayerReader {
    static let classNames = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"]

    static func read(_ source: KerasLayerSource) throws -> any Layer {
        try source.expectNoWeights()
        let config = source.config
        switch source.className {
        case "Concatenate":
            return Concatenate(name: source.name, axis: config["axis"] == nil ? -1 : try config.int("axis"))
        case "Dot":
            let axes = try config.intOrInts("axes") ?? [-1]
            guard axes.allSatisfy({ $0 == -1 || $0 == 1 }) else {
                throw source.error("Dot over axes \(axes) is not supported; LayerLens takes the dot product of two vectors")
            }
            return Dot(name: source.name, normalize: try config.bool("normalize", default: false))
        default:
            let operations: [String: BinaryOperation] = [
                "Add": .add, "Subtract": .subtract, "Multiply": .multiply, "Average": .add, "Maximum": .maximum, "Minimum": .minimum,
            ]
            guard let operation = operations[source.className] else { throw source.error("is not an element-wise merge") }
            return ElementwiseMerge(name: source.name, operation: operation, averaged: source.className == "Average")
        }
    }
}
