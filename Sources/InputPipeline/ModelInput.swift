import FileIO
import Foundation
import ModelGraph
import NumPyFormat

/// An input batch ready for a model, and what was done to make it fit.
public struct ModelInput: Sendable {
    /// The batch, `[batch] + ` the model input's sample shape.
    public let tensor: Tensor
    /// Things the user should know: an implicit flatten, NaN or infinite values.
    public let notices: [String]
    /// The array's shape as it was read.
    public let originalShape: [Int]

    /// Fits `array` to `model`'s input number `input`: with or without the batch axis; a sample
    /// with the right number of values but another shape (a 28×28 image for a
    /// 784-wide input) is reshaped, with a notice. Throws `FileError` naming
    /// `path` when the value count does not fit.
    public init(_ array: Tensor, for model: Model, input: Int = 0, from path: String) throws {
        let sampleShape = model.inputs[input].shape
        let sampleCount = sampleShape.reduce(1, *)
        var notices: [String] = []
        let batch: Int
        if array.shape == sampleShape {
            batch = 1
        } else if array.shape.count == sampleShape.count + 1, Array(array.shape.dropFirst()) == sampleShape {
            batch = array.shape[0]
        } else if array.count == sampleCount {
            batch = 1
            notices.append("\(path): shape \(shapeDescription(array.shape)) reshaped to the model's input shape \(shapeDescription(sampleShape))")
        } else if array.shape.count >= 2, array.shape.dropFirst().reduce(1, *) == sampleCount, array.shape[0] > 0 {
            batch = array.shape[0]
            notices.append("\(path): each of the \(batch) samples of shape \(shapeDescription(Array(array.shape.dropFirst()))) reshaped to the model's input shape \(shapeDescription(sampleShape))")
        } else {
            throw FileError(path, "has shape \(shapeDescription(array.shape)) (\(array.count) values); the model expects \(shapeDescription(sampleShape)) (\(sampleCount) values per sample), with or without a batch axis")
        }
        guard batch > 0 else { throw FileError(path, "holds no samples") }
        let nonFinite = array.statistics.nonFiniteCount
        if nonFinite > 0 {
            notices.append("warning: \(path): \(nonFinite) of \(array.count) input values are NaN or infinite; they propagate through the trace")
        }
        tensor = array.reshaped([batch] + sampleShape)
        self.notices = notices
        originalShape = array.shape
    }

    /// Reads an already-preprocessed input from a `.npy` file and fits it to `model`.
    public static func load(npy path: String, for model: Model, input: Int = 0) throws -> ModelInput {
        let array = try NumPyFile.read(path)
        return try ModelInput(array.tensor, for: model, input: input, from: path)
    }
}
