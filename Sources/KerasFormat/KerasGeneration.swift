import FileIO
import ModelGraph

/// Which generation of Keras wrote a legacy HDF5 model file, and what reading
/// it takes: files from Keras 2.0 on are read; Keras 1 files (their layers and
/// weights laid out differently) are refused with a message saying so.
enum KerasGeneration {
    /// The `keras_version` to record for a file: `recorded` checked to be a
    /// version number and at least 2.0, or "2" when the file records none and
    /// its config shows no Keras 1 marker. Throws a one-line problem otherwise.
    static func checkedVersion(recorded: String?, config: JSONValue?) throws -> String {
        guard let recorded else {
            if let marker = config.flatMap(keras1Marker(in:)) {
                throw KerasConfigError("written by Keras 1 (no keras_version is recorded, and its config has \(marker)); \(advice)")
            }
            return "2"
        }
        let numbers = recorded.prefix { $0.isNumber || $0 == "." }.split(separator: ".", omittingEmptySubsequences: false)
        guard numbers.count >= 2, numbers.allSatisfy({ !$0.isEmpty && Int($0) != nil }), let major = Int(numbers[0]) else {
            throw KerasConfigError("its keras_version \(quoted(recorded)) is not a Keras version number")
        }
        guard major >= 2 else { throw KerasConfigError("written by Keras \(recorded); \(advice)") }
        return recorded
    }

    private static let advice = "LayerLens reads files from Keras 2.0 on — load it in Keras 2 and save it again"

    /// Layer classes only Keras 1 had (Keras 2 renamed or removed them).
    private static let keras1Classes: Set<String> = [
        "Convolution1D", "Convolution2D", "Convolution3D", "AtrousConvolution1D", "AtrousConvolution2D",
        "Deconvolution2D", "SeparableConvolution2D", "Merge", "MaxoutDense", "Highway", "TimeDistributedDense",
    ]
    /// Layer options only Keras 1 wrote (Keras 2 calls them `padding`, `filters`,
    /// `kernel_size`, `strides`, `data_format`, `kernel_initializer`, `kernel_regularizer`, …).
    private static let keras1Options: Set<String> = [
        "border_mode", "nb_filter", "nb_row", "nb_col", "subsample", "subsample_length", "filter_length",
        "pool_length", "dim_ordering", "init", "W_regularizer", "b_regularizer", "W_constraint", "b_constraint",
        "input_dtype",
    ]

    /// The first sign in a model config that Keras 1 wrote it: a layer class or
    /// a layer option only Keras 1 had, looked for in every layer, nested models
    /// included. Nil for a Keras 2 or 3 config.
    static func keras1Marker(in config: JSONValue) -> String? {
        guard let model = config.object else { return nil }
        let body = model["config"]
        for layer in body?.array ?? body?.object?["layers"]?.array ?? [] {
            guard let entry = layer.object else { continue }
            if let className = entry["class_name"]?.string, keras1Classes.contains(className) {
                return "the Keras 1 layer class \(quoted(className))"
            }
            if let option = entry["config"]?.object?.keys.sorted().first(where: keras1Options.contains) {
                return "the Keras 1 option \(quoted(option))"
            }
            if let nested = keras1Marker(in: layer) { return nested }
        }
        return nil
    }

    /// The convolution classes whose kernels Keras 2 flipped when it loaded a
    /// file saved with the Theano backend (`conv_utils.convert_kernel` in
    /// `preprocess_weights_for_loading`): Theano convolves, TensorFlow
    /// correlates. Depthwise and separable kernels were left as stored.
    private static let theanoFlippedClasses: Set<String> = ["Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose"]

    /// A layer's stored arrays as Keras 2 loaded them from a Theano-backend
    /// file: the kernel (the first array) of a convolution in
    /// `theanoFlippedClasses` reversed along every axis but its last two.
    static func theanoArraysAsKerasLoadsThem(_ arrays: [Tensor], className: String) -> [Tensor] {
        guard theanoFlippedClasses.contains(className), let kernel = arrays.first, kernel.shape.count > 2 else { return arrays }
        var strides = [Int](repeating: 1, count: kernel.shape.count)
        for axis in strides.indices.dropLast().reversed() { strides[axis] = strides[axis + 1] * kernel.shape[axis + 1] }
        var start = 0
        for axis in 0..<(kernel.shape.count - 2) {
            start += (kernel.shape[axis] - 1) * strides[axis]
            strides[axis] = -strides[axis]
        }
        let flipped = stridedOffsets(shape: kernel.shape, strides: strides).map { kernel.scalars[start + $0] }
        return [Tensor(shape: kernel.shape, scalars: flipped)] + arrays.dropFirst()
    }
}
