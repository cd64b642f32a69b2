import FileIO
import HDF5
import ModelGraph

/// Weights of a legacy `.h5` file: `model_weights/<layer>` lists its arrays in
/// order in the `weight_names` attribute (HDF5 itself would list them
/// alphabetically, bias before kernel); the paths' depth differs between writers.
struct H5WeightSource {
    let group: HDF5Group

    /// The arrays of the layer at the end of `path`. A model used as a layer
    /// keeps all its layers' arrays in one group under its own name; an inner
    /// layer's are those whose path names that layer.
    func weights(for path: [LayerEntry]) throws -> [StoredWeight] {
        guard let top = path.first, group.contains(top.name) else { return [] }
        let layerGroup = try group.group(top.name)
        var names = try splitAttribute("weight_names", of: layerGroup)
        if path.count > 1, let inner = path.last?.name {
            names = names.filter { $0.split(separator: "/").contains { $0 == inner } }
        }
        return try names.map { try StoredWeight(try layerGroup.dataset($0)) }
    }
}

/// An attribute Keras may have split into `name0`, `name1`, … because HDF5
/// limits attributes to 64 KiB; absent means empty.
func splitAttribute(_ name: String, of object: HDF5Object) throws -> [String] {
    if object.hasAttribute(name) { return try object.stringsAttribute(name) }
    var values: [String] = []
    var chunk = 0
    while object.hasAttribute("\(name)\(chunk)") {
        values += try object.stringsAttribute("\(name)\(chunk)")
        chunk += 1
    }
    return values
}

/// Weights of a `.keras` archive's `model.weights.h5`: a layer's arrays live at
/// `layers/<key>/vars/<n>` — for a layer inside a nested model,
/// `layers/<model key>/layers/<key>/vars/<n>` — where each key is the class name
/// in snake_case, made unique in its container (`dense`, `dense_1`, …), not the
/// layer's own name, and `<n>` counts 0, 1, … (sorted numerically, not as text).
struct ArchiveWeightSource {
    let root: HDF5Group

    func weights(for path: [LayerEntry]) throws -> [StoredWeight] {
        let location = "layers/" + path.map(\.storageKey).joined(separator: "/layers/") + "/vars"
        guard root.contains(location) else { return [] }
        let vars = try root.group(location)
        let names = try vars.memberNames().compactMap { name in Int(name).map { (index: $0, name: name) } }
        return try names.sorted { $0.index < $1.index }.map { try StoredWeight(try vars.dataset($0.name)) }
    }
}

/// Keras's `to_snake_case`: drops non-word characters, then puts an underscore
/// before each capitalised word and between a lower-case letter and a capital
/// (`PReLU` → `p_re_lu`, `SpatialDropout1D` → `spatial_dropout1d`).
func snakeCase(_ name: String) -> String {
    let characters = Array(name.filter { $0.isLetter || $0.isNumber || $0 == "_" })
    var output = ""
    for (index, character) in characters.enumerated() {
        if index > 0, character.isUppercase {
            let previous = characters[index - 1]
            let nextIsLower = index + 1 < characters.count && characters[index + 1].isLowercase
            // "(.)([A-Z][a-z]+)" → "\1_\2", then "([a-z])([A-Z])" → "\1_\2".
            if nextIsLower || previous.isLowercase { output += "_" }
        }
        output.append(character)
    }
    return output.lowercased()
}

/// One weight array as the file declares it: its shape, known from the
/// dataset's header, and its values, read only once a layer reader has checked
/// that shape against the one its config implies (`KerasLayerSource.expectWeights`).
struct StoredWeight {
    let shape: [Int]
    /// Reads the values; only `read()` calls it, after the size checks.
    private let load: () throws -> Tensor
    /// The bytes the file holds for the values, to refuse a shape it cannot hold.
    private let storedBytes: Int
    /// Where the array lives, for messages.
    let path: String

    init(_ dataset: HDF5Dataset) throws {
        shape = try dataset.shape()
        storedBytes = dataset.storageBytes()
        path = dataset.path
        let shape = shape
        load = { Tensor(shape: shape, scalars: try dataset.readFloats()) }
    }

    private init(shape: [Int], storedBytes: Int, path: String, load: @escaping () throws -> Tensor) {
        self.shape = shape
        self.storedBytes = storedBytes
        self.path = path
        self.load = load
    }

    /// The same array read as `shape` (same element count), as Conv1D's kernel is run as a Conv2D's.
    func reshaped(_ newShape: [Int]) -> StoredWeight {
        StoredWeight(shape: newShape, storedBytes: storedBytes, path: path) { try load().reshaped(newShape) }
    }

    /// The same array with `transform` applied to its values once read.
    func transformed(_ transform: @escaping (Tensor) -> Tensor) -> StoredWeight {
        StoredWeight(shape: shape, storedBytes: storedBytes, path: path) { transform(try load()) }
    }

    /// The values, refused before anything is allocated when the shape has over
    /// `SizeLimits.weightElements` elements or more than the stored bytes can hold
    /// (`SizeLimits.elementsPerStoredByte` per byte, compressed).
    func read() throws -> Tensor {
        let count = SizeLimits.elementCount(shape) ?? Int.max
        let declared = "weight '\(path)' of shape \(shapeDescription(shape)) would need \(SizeLimits.byteDescription(Double(count) * Double(MemoryLayout<Float>.size)))"
        guard count <= SizeLimits.weightElements else {
            throw KerasConfigError("\(declared); the limit is \(SizeLimits.byteDescription(Double(SizeLimits.weightElements) * Double(MemoryLayout<Float>.size)))")
        }
        let (holdable, overflow) = storedBytes.multipliedReportingOverflow(by: SizeLimits.elementsPerStoredByte)
        guard overflow || count <= holdable else {
            throw KerasConfigError("\(declared), but the file stores only \(storedBytes) bytes of it")
        }
        return try load()
    }
}

/// What all of a model's stored weights may hold together, charged layer by
/// layer from the shapes the file declares, before any is read: each array is
/// held to `SizeLimits.weightElements` on its own, and all of them to
/// `SizeLimits.modelWeightElements` together.
struct WeightBudget {
    private var charged = 0

    /// Adds the declared sizes of `arrays`, the weights of layer `layer`;
    /// throws `KerasConfigError` naming the layer, the array and the limit once the total passes it.
    mutating func charge(_ arrays: [StoredWeight], of layer: String) throws {
        // An array over the limit for one array is refused by that limit, when it is read.
        for array in arrays {
            guard let count = SizeLimits.elementCount(array.shape), count <= SizeLimits.weightElements else { continue }
            let (total, overflow) = charged.addingReportingOverflow(count)
            guard !overflow, total <= SizeLimits.modelWeightElements else {
                let limit = SizeLimits.byteDescription(Double(SizeLimits.modelWeightElements) * Double(MemoryLayout<Float>.size))
                throw KerasConfigError("layer \(quoted(layer)): weight \(quoted(array.path)) of shape \(shapeDescription(array.shape)) takes the model's weights past \(limit), the limit for all of them together; refused")
            }
            charged = total
        }
    }
}
