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
    func weights(for path: [LayerEntry]) throws -> [Tensor] {
        guard let top = path.first, group.contains(top.name) else { return [] }
        let layerGroup = try group.group(top.name)
        var names = try splitAttribute("weight_names", of: layerGroup)
        if path.count > 1, let inner = path.last?.name {
            names = names.filter { $0.split(separator: "/").contains { $0 == inner } }
        }
        return try names.map { try readTensor(try layerGroup.dataset($0)) }
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

    func weights(for path: [LayerEntry]) throws -> [Tensor] {
        let location = "layers/" + path.map(\.storageKey).joined(separator: "/layers/") + "/vars"
        guard root.contains(location) else { return [] }
        let vars = try root.group(location)
        let names = try vars.memberNames().compactMap { name in Int(name).map { (index: $0, name: name) } }
        return try names.sorted { $0.index < $1.index }.map { try readTensor(try vars.dataset($0.name)) }
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

func readTensor(_ dataset: HDF5Dataset) throws -> Tensor {
    Tensor(shape: try dataset.shape(), scalars: try dataset.readFloats())
}
