import HDF5
import ModelGraph

/// Weights of a legacy `.h5` file: `model_weights/<layer>` lists its arrays in
/// order in the `weight_names` attribute (HDF5 itself would list them
/// alphabetically, bias before kernel); the paths' depth differs between writers.
struct H5WeightSource {
    let group: HDF5Group

    func weights(for entry: LayerEntry) throws -> [Tensor] {
        guard group.contains(entry.name) else { return [] }
        let layerGroup = try group.group(entry.name)
        return try splitAttribute("weight_names", of: layerGroup).map { path in
            try readTensor(try layerGroup.dataset(path))
        }
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

/// Weights of a `.keras` archive's `model.weights.h5`: layer k's arrays live at
/// `layers/<key>/vars/<n>`, where `<key>` is the layer's class name in
/// snake_case, made unique in layer order (`dense`, `dense_1`, …) — not the
/// layer's own name — and `<n>` counts 0, 1, … (sorted numerically, not as text).
struct ArchiveWeightSource {
    let root: HDF5Group
    /// The storage key of each layer, by index.
    let keys: [String]

    init(root: HDF5Group, layers: [LayerEntry]) {
        self.root = root
        var used: [String: Int] = [:]
        keys = layers.map { entry in
            let base = snakeCase(entry.className)
            if let count = used[base] {
                used[base] = count + 1
                return "\(base)_\(count + 1)"
            }
            used[base] = 0
            return base
        }
    }

    func weights(for entry: LayerEntry) throws -> [Tensor] {
        let path = "layers/\(keys[entry.index])/vars"
        guard root.contains(path) else { return [] }
        let vars = try root.group(path)
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
