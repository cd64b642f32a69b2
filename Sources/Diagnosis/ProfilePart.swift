import Analysis
import DataSets
import FileIO
import InputPipeline
import Foundation
import ModelGraph

/// One shard's profile in the making (`profile --shard K/N --part FILE`): its
/// exact sums and its calibration samples with their keys. `merge-profiles`
/// adds the sums and keeps the samples with the smallest keys, which are the
/// whole run's calibration sample, so the merged profile is the single run's
/// (its sums equal to rounding).
public struct ProfilePart: Codable, Sendable {
    public static let formatName = "layerlens-profile-part"
    public var format = ProfilePart.formatName
    public var version = 1
    public var model: ModelIdentity
    /// The data set's file, its pipeline and class names.
    public var data: String
    public var pipeline: String?
    public var classNames: [String]
    public var shards: [Shard]
    public var seed: UInt64
    /// The calibration sample's capacity.
    public var capacity: Int
    public var penultimate: Int
    // The exact sums, as `ProfileSums` holds them.
    public var count: Int
    public var unitSums: [[Double]]
    public var unitSquares: [[Double]]
    public var positive: [[Int]]
    public var inputSums: [Double]
    public var inputSquares: [Double]
    public var classSums: [Double]
    public var classCounts: [Int]
    public var crossProducts: [Double]
    // The calibration samples, in key order: keys, labels, energy, largest softmax,
    // model inputs (row-major) and every layer's units (row-major per layer).
    public var keys: [SampleKey]
    public var labels: [Int]
    public var energy: [Double]
    public var maxSoftmax: [Double]
    public var inputs: [Float]
    public var units: [[Float]]

    /// Reads and checks the part at `path`: every array's length against the model
    /// identity it names, every number finite, every label a class.
    public static func read(_ path: String) throws -> ProfilePart {
        let part: ProfilePart
        do { part = try JSONDecoder().decode(ProfilePart.self, from: try readBounded(path, limit: Profile.fileSizeLimit)) } catch let error as FileError {
            throw error
        } catch let error as ProfileError {
            throw error
        } catch {
            throw ProfileError(path, "is not a LayerLens profile part (\(describeDecodingError(error)))")
        }
        if let problem = part.inconsistency { throw ProfileError(path, problem) }
        return part
    }

    enum CodingKeys: String, CodingKey {
        case format, version, model, data, pipeline, classNames = "class_names", shards, seed, capacity, penultimate, count
        case unitSums = "unit_sums", unitSquares = "unit_squares", positive, inputSums = "input_sums", inputSquares = "input_squares"
        case classSums = "class_sums", classCounts = "class_counts", crossProducts = "cross_products"
        case keys, labels, energy, maxSoftmax = "max_softmax", inputs, units
    }

    /// The part as the JSON file `read` takes: snake-case keys, as a profile's.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// What makes the part unusable, or nil.
    var inconsistency: String? {
        guard format == Self.formatName, version == 1 else { return "format \(quoted(format)) version \(version) is not a profile part this LayerLens reads" }
        let counts = model.unitCounts, layers = counts.count
        guard layers >= 1, model.layerNames.count == layers, counts.allSatisfy({ (1...Profile.unitLimit).contains($0) }),
              (0..<layers).contains(penultimate), !classNames.isEmpty, classNames.count <= Profile.unitLimit,
              (0...Self.countLimit).contains(count), (1...Self.countLimit).contains(capacity), !shards.isEmpty,
              shards.allSatisfy({ (1...Shard.countLimit).contains($0.count) && (0..<$0.count).contains($0.index) }) else {
            return "its model identity, classes, counts or shards are out of range"
        }
        // Every count of a unit is of values of `count` samples at up to 2²⁰ positions; every class count is of samples.
        guard positive.allSatisfy({ $0.allSatisfy { (0...(count << 20)).contains($0) } }),
              classCounts.allSatisfy({ (0...count).contains($0) }), classCounts.reduce(0, +) <= count else {
            return "its counts exceed its sample count"
        }
        guard model.inputShape.allSatisfy({ (1...65536).contains($0) }), model.inputShape.count <= 3 else { return "its input shape is out of range" }
        let inputWidth = model.inputShape.reduce(1, *), features = counts[penultimate], classes = classNames.count
        guard let classValues = product(classes, features), classValues <= Profile.unitLimit * 64 else { return "too many class means" }
        let crossCount = features <= PenultimateProfile.fullCovarianceLimit ? features * features : features
        let finite: ([Double]) -> Bool = { $0.allSatisfy(\.isFinite) }
        guard unitSums.map(\.count) == counts, unitSquares.map(\.count) == counts, positive.map(\.count) == counts,
              unitSums.allSatisfy(finite), unitSquares.allSatisfy(finite), positive.allSatisfy({ $0.allSatisfy { $0 >= 0 } }),
              inputSums.count == inputWidth, inputSquares.count == inputWidth, finite(inputSums + inputSquares),
              classSums.count == classValues, finite(classSums), classCounts.count == classes, classCounts.allSatisfy({ $0 >= 0 }),
              crossProducts.count == crossCount, finite(crossProducts) else {
            return "its sums do not match its model identity"
        }
        let kept = keys.count
        guard kept <= capacity, kept <= count, labels.count == kept, energy.count == kept, maxSoftmax.count == kept,
              labels.allSatisfy({ (0..<classes).contains($0) }), finite(energy + maxSoftmax),
              inputs.count == product(kept, inputWidth), inputs.allSatisfy(\.isFinite), units.count == layers,
              zip(units, counts).allSatisfy({ $0.count == product(kept, $1) && $0.allSatisfy(\.isFinite) }) else {
            return "its calibration samples do not match its model identity"
        }
        return nil
    }

    /// The most samples a part may count: 2⁴⁰, as an eval part.
    static let countLimit = 1 << 40
}

extension ProfileRecorder {
    /// What this recorder holds, as the part of shard `shard` of the data at `dataPath`.
    public func part(modelPath: String, dataPath: String, shard: Shard) -> ProfilePart {
        let order = planner.slotsInKeyOrder
        return ProfilePart(model: identity(modelPath: modelPath), data: dataPath, pipeline: pipelineText, classNames: classNames,
                           shards: [shard], seed: options.seed, capacity: store.capacity, penultimate: penultimate, count: sums.count,
                           unitSums: sums.unitSums, unitSquares: sums.unitSquares, positive: sums.positive, inputSums: sums.inputSums,
                           inputSquares: sums.inputSquares, classSums: sums.classSums, classCounts: sums.classCounts,
                           crossProducts: sums.crossProducts, keys: order.map { planner.keys[$0] }, labels: order.map { store.labels[$0] },
                           energy: order.map { store.energy[$0] }, maxSoftmax: order.map { store.maxSoftmax[$0] },
                           inputs: order.flatMap { Array(store.input($0)) },
                           units: layouts.indices.map { layer in order.flatMap { Array(store.units(layer, $0)) } })
    }

    /// The recorder of the whole run, from the parts of its shards made with `model`.
    /// Throws a `ProfileError` when the parts come from different runs or cover a shard twice.
    public static func merging(_ parts: [(path: String, part: ProfilePart)], model: Model, modelPath: String) throws -> ProfileRecorder {
        guard let first = parts.first?.part else { throw ProfileError("merge-profiles", "no parts given") }
        guard case let .node(outputIndex)? = model.outputs.first, model.inputs.count == 1 else {
            throw ProfileError(modelPath, "the model has no single input and output")
        }
        var options = ProfileOptions()
        (options.seed, options.calibrationLimit) = (first.seed, first.capacity)
        options.preprocess = try first.pipeline.map { try PreprocessStep.parse($0) }
        let recorder = try ProfileRecorder(model: model, classNames: first.classNames, outputIndex: outputIndex, options: options)
        var seen = Set<Shard>()
        for (path, part) in parts {
            guard part.model.layerNames == model.nodes.map(\.name), part.model.unitCounts == recorder.layouts.map(\.units),
                  part.model.inputShape == model.inputs[0].shape, part.penultimate == recorder.penultimate else {
                throw ProfileError(path, "the part was made with a different model than \(modelPath)")
            }
            guard part.data == first.data, part.pipeline == first.pipeline, part.classNames == first.classNames, part.seed == first.seed,
                  part.capacity == first.capacity, part.shards.allSatisfy({ $0.count == first.shards[0].count }) else {
                throw ProfileError(path, "the part comes from another run (data, pipeline, classes, seed, calibration or split differ)")
            }
            guard seen.isDisjoint(with: part.shards) else { throw ProfileError(path, "shard \(part.shards[0]) is given twice") }
            seen.formUnion(part.shards)
            guard recorder.sums.count <= ProfilePart.countLimit * Shard.countLimit - part.count else {
                throw ProfileError(path, "the parts count more samples than a profile can hold")
            }
            recorder.sums.absorb(ProfileSums(part: part, layouts: recorder.layouts))
            for (row, key) in part.keys.enumerated() {
                guard let slot = recorder.planner.admit(key) else { continue }
                recorder.store.write(slot: slot, from: part, row: row)
            }
        }
        return recorder
    }

    func identity(modelPath: String) -> ModelIdentity {
        ModelIdentity(file: modelPath, inputShape: model.inputs[0].shape, layerNames: model.nodes.map(\.name), unitCounts: layouts.map(\.units))
    }

    var pipelineText: String? { options.preprocess.map { $0.map(\.text).joined(separator: ",") } }
}

extension ProfileSums {
    /// The sums a part holds (checked to have this layout by `ProfilePart.read`).
    init(part: ProfilePart, layouts: [UnitLayout]) {
        self.init(layouts: layouts, inputWidth: part.inputSums.count, penultimate: part.penultimate, classes: part.classNames.count)
        count = part.count
        (unitSums, unitSquares, positive) = (part.unitSums, part.unitSquares, part.positive)
        (inputSums, inputSquares) = (part.inputSums, part.inputSquares)
        (classSums, classCounts, crossProducts) = (part.classSums, part.classCounts, part.crossProducts)
    }
}

extension CalibrationStore {
    /// Copies sample `row` of `part` into `slot`.
    func write(slot: Int, from part: ProfilePart, row: Int) {
        let input = self.input(slot)
        for i in 0..<inputWidth { input[i] = part.inputs[row * inputWidth + i] }
        for (layer, n) in unitCounts.enumerated() {
            let units = self.units(layer, slot)
            for unit in 0..<n { units[unit] = part.units[layer][row * n + unit] }
        }
        labels[slot] = part.labels[row]
        energy[slot] = part.energy[row]
        maxSoftmax[slot] = part.maxSoftmax[row]
    }
}
