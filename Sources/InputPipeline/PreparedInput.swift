import ModelGraph

/// An input made ready for a model, with how it was made: the decoded image,
/// the pipeline as run, decoding notes and, for a CSV row, the true label.
public struct PreparedInput: Sendable {
    /// The file as the user named it.
    public let path: String
    /// The batch that enters the model, `[1] + model.inputShape` (or more rows for a batched `.npy`).
    public let tensor: Tensor
    /// The decoded image or CSV row before preprocessing; nil for `.npy`.
    public let raw: Raster?
    /// The image after the pipeline (before flatten); nil for `.npy`.
    public let processed: Raster?
    /// The pipeline as run; empty for `.npy`.
    public let steps: [StepRecord]
    public let isDefaultPipeline: Bool
    /// What decoding and fitting did that the user should know.
    public let notes: [String]
    /// The CSV row's label column.
    public let groundTruth: Int?
    /// The input's shape before it was fitted to the model: the `.npy` array's,
    /// or the preprocessed image's `(H, W)` / `(H, W, C)`.
    public let preparedShape: [Int]

    public init(path: String, tensor: Tensor, raw: Raster?, processed: Raster?, steps: [StepRecord], isDefaultPipeline: Bool,
                notes: [String], groundTruth: Int?, preparedShape: [Int]) {
        self.path = path
        self.tensor = tensor
        self.raw = raw
        self.processed = processed
        self.steps = steps
        self.isDefaultPipeline = isDefaultPipeline
        self.notes = notes
        self.groundTruth = groundTruth
        self.preparedShape = preparedShape
    }
}
