import FileIO
import Foundation

/// What a data set looks like to one model: the reference `doctor` compares an
/// input with. Written by `layerlens profile` as JSON (`format`
/// "layerlens-profile", `version` 1; README "Profiles" documents every field).
///
/// Distributions are `QuantileTable`s over a uniform random sample of the data
/// (the calibration sample, up to `ProfileOptions.calibrationLimit` samples);
/// means, deviations, firing rates, class means and the covariance are exact
/// over every sample.
public struct Profile: Codable, Sendable {
    public static let formatName = "layerlens-profile"
    public static let currentVersion = 1

    public var format = Profile.formatName
    public var version = Profile.currentVersion
    /// The model the profile was made with: its file, its layers' names and unit counts.
    public var model: ModelIdentity
    /// The data set: its file, sample count, pipeline and class names.
    public var data: DataIdentity
    /// The model's input, as an image.
    public var input: InputProfile
    /// Every layer's units, in the model's node order.
    public var layers: [LayerProfile]
    /// The features the out-of-distribution scores read: the layer before the output.
    public var penultimate: PenultimateProfile
    /// −logsumexp of the logits (Liu et al. 2020): higher is stranger.
    public var energy: QuantileTable
    /// The largest softmax probability (Hendrycks and Gimpel 2017): lower is stranger.
    public var maxSoftmax: QuantileTable
    /// `doctor`'s combined score over the calibration sample, and the verdicts' thresholds on it.
    public var combined: CombinedProfile
    /// A few data samples, with their labels and penultimate features: the nearest
    /// ones to an input are shown beside it.
    public var examples: ExampleSet

    enum CodingKeys: String, CodingKey {
        case format, version, model, data, input, layers, penultimate, energy
        case maxSoftmax = "max_softmax", combined, examples
    }
}

/// The model a profile belongs to.
public struct ModelIdentity: Codable, Sendable, Equatable {
    public var file: String
    public var inputShape: [Int]
    public var layerNames: [String]
    public var unitCounts: [Int]

    enum CodingKeys: String, CodingKey {
        case file, inputShape = "input_shape", layerNames = "layer_names", unitCounts = "unit_counts"
    }
}

/// The data set a profile describes.
public struct DataIdentity: Codable, Sendable, Equatable {
    public var file: String
    public var count: Int
    /// The preprocessing run on every sample, as `--preprocess` writes it; nil for none.
    public var pipeline: String?
    public var classNames: [String]
    /// How many samples the distributions (quantile tables) were taken from.
    public var calibrationCount: Int

    enum CodingKeys: String, CodingKey {
        case file, count, pipeline, classNames = "class_names", calibrationCount = "calibration_count"
    }
}

/// The model input over the data set.
public struct InputProfile: Codable, Sendable {
    /// Height, width, channels.
    public var imageShape: [Int]
    /// Every element's mean over the data set.
    public var meanImage: [Float]
    /// Every element's standard deviation over the data set.
    public var pixelDeviation: [Float]
    /// Each `InputMeasure`'s distribution, by its name.
    public var measures: [String: QuantileTable]

    enum CodingKeys: String, CodingKey {
        case imageShape = "image_shape", meanImage = "mean_image", pixelDeviation = "pixel_deviation", measures
    }

    public func table(_ measure: InputMeasure) -> QuantileTable? { measures[measure.rawValue] }
}

/// One layer's units over the data set. A unit is an element of a vector
/// output, or a channel of a map (its value for a sample is the channel's mean
/// over positions).
public struct LayerProfile: Codable, Sendable {
    public var name: String
    public var className: String
    public var units: Int
    public var unitMean: [Float]
    public var unitDeviation: [Float]
    /// Each unit's 0.1% and 99.9% quantiles over the calibration sample.
    public var unitLow: [Float]
    public var unitHigh: [Float]
    /// The share of values above 0 (of every position, for a map).
    public var firingRate: [Float]
    /// The root mean square of the units' z-scores.
    public var distance: QuantileTable
    /// log₁₀ of the units' Euclidean norm (+10⁻¹²).
    public var logNorm: QuantileTable
    /// The share of units outside their 0.1–99.9% band.
    public var outsideFraction: QuantileTable

    enum CodingKeys: String, CodingKey {
        case name, className = "class", units, unitMean = "unit_mean", unitDeviation = "unit_deviation"
        case unitLow = "unit_low", unitHigh = "unit_high", firingRate = "firing_rate", distance
        case logNorm = "log_norm", outsideFraction = "outside_fraction"
    }
}

/// The class-conditional Gaussian of the penultimate layer's features (Lee et al.
/// 2018): one mean per class and a covariance shared by all classes.
public struct PenultimateProfile: Codable, Sendable {
    /// The layer's index among `Profile.layers`.
    public var layer: Int
    public var classCounts: [Int]
    /// `classes × features`, row-major; rows of classes without samples are 0.
    public var classMeans: [Float]
    /// `features × features`, row-major; for more than `PenultimateProfile.fullCovarianceLimit`
    /// features only its diagonal (`features` values).
    public var covariance: [Float]
    /// The smallest Mahalanobis distance (squared) to a class mean over the calibration sample.
    public var mahalanobis: QuantileTable

    /// The most features a full covariance is kept for: 1,024, 4 MiB of numbers
    /// (ResNet50's 2,048 would take 16 MiB and a Cholesky factor of 3·10⁹ steps).
    public static let fullCovarianceLimit = 1024

    enum CodingKeys: String, CodingKey {
        case layer, classCounts = "class_counts", classMeans = "class_means", covariance, mahalanobis
    }
}

/// The combined out-of-distribution score over the calibration sample.
public struct CombinedProfile: Codable, Sendable {
    public var score: QuantileTable
    /// The combined score above which an input is `suspicious`: the calibration's 95th percentile.
    public var suspiciousAbove: Double
    /// The combined score above which an input is `out`: the calibration's 99.5th percentile, and at
    /// least one more than log₁₀(calibration count + 1), the surprise of the data's own extremes.
    public var outAbove: Double

    enum CodingKeys: String, CodingKey {
        case score, suspiciousAbove = "suspicious_above", outAbove = "out_above"
    }
}

/// Data samples kept to be shown: model inputs, labels and penultimate features, row-major.
public struct ExampleSet: Codable, Sendable {
    public var labels: [Int]
    public var inputs: [Float]
    public var features: [Float]
    public var count: Int { labels.count }
}

/// A profile file that cannot be used.
public struct ProfileError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ path: String, _ problem: String) { description = "\(path): \(problem)" }
}

extension Profile {
    /// The most units a layer of a profile may have, and the most classes: 2²⁶.
    public static let unitLimit = 1 << 26

    /// The most bytes a profile file may have: 1 GiB.
    public static let fileSizeLimit = 1 << 30

    /// Reads and checks the profile at `path`: its format and version, and that
    /// every array has the length the model identity implies and holds finite numbers.
    public static func read(_ path: String) throws -> Profile {
        let data = try readBounded(path, limit: fileSizeLimit)
        let profile: Profile
        do { profile = try JSONDecoder().decode(Profile.self, from: data) } catch {
            throw ProfileError(path, "is not a LayerLens profile (\(describeDecodingError(error)))")
        }
        try profile.validate(path)
        return profile
    }

    /// Throws a `ProfileError` naming the first inconsistency.
    func validate(_ path: String) throws {
        func check(_ condition: Bool, _ problem: @autoclosure () -> String) throws {
            guard condition else { throw ProfileError(path, problem()) }
        }
        try check(format == Self.formatName, "format \(quoted(format)) is not \(quoted(Self.formatName))")
        try check(version == Self.currentVersion, "profile version \(version) is not supported (this LayerLens reads version \(Self.currentVersion))")
        try check(model.layerNames.count == layers.count && model.unitCounts.count == layers.count, "the model's layer list does not match the layers")
        let shape = input.imageShape
        try check(shape.count == 3 && shape.allSatisfy { (1...65536).contains($0) }, "input image shape \(shape) is not height, width, channels")
        let pixels = shape.reduce(1, *)
        try check(input.meanImage.count == pixels && input.pixelDeviation.count == pixels, "the mean image does not have \(pixels) values")
        try check((input.meanImage + input.pixelDeviation).allSatisfy(\.isFinite), "the mean image holds a non-finite number")
        for measure in InputMeasure.allCases {
            try check(input.table(measure)?.isValid == true, "input measure \(measure.rawValue) is missing or malformed")
        }
        for (index, layer) in layers.enumerated() {
            let n = layer.units
            try check((1...Self.unitLimit).contains(n) && n == model.unitCounts[index] && layer.name == model.layerNames[index], "layer \(index) does not match the model identity")
            try check([layer.unitMean, layer.unitDeviation, layer.unitLow, layer.unitHigh, layer.firingRate].allSatisfy { $0.count == n && $0.allSatisfy(\.isFinite) },
                      "layer \(quoted(layer.name)): a unit array does not hold \(n) finite values")
            try check(layer.distance.isValid && layer.logNorm.isValid && layer.outsideFraction.isValid, "layer \(quoted(layer.name)): a distribution is malformed")
        }
        let classes = data.classNames.count
        try check(classes <= Self.unitLimit, "\(classes) classes are more than \(Self.unitLimit)")
        try check(layers.indices.contains(penultimate.layer), "the penultimate layer index \(penultimate.layer) is out of range")
        let features = layers[penultimate.layer].units
        try check(classes >= 1 && penultimate.classCounts.count == classes && penultimate.classCounts.allSatisfy { $0 >= 0 }, "class counts do not match the \(classes) classes")
        try check(penultimate.classMeans.count == classes * features && penultimate.classMeans.allSatisfy(\.isFinite), "class means are not \(classes) × \(features) finite values")
        try check(product(classes, features).map { $0 <= Self.unitLimit * 64 } == true, "\(classes) classes × \(features) features are too many class means")
        let covarianceCount = features <= PenultimateProfile.fullCovarianceLimit ? features * features : features
        try check(penultimate.covariance.count == covarianceCount && penultimate.covariance.allSatisfy(\.isFinite), "the covariance does not hold \(covarianceCount) finite values")
        try check(penultimate.mahalanobis.isValid && energy.isValid && maxSoftmax.isValid && combined.score.isValid, "a score distribution is malformed")
        try check(combined.suspiciousAbove.isFinite && combined.outAbove.isFinite, "the verdict thresholds are not finite")
        let examplesOK = examples.inputs.count == product(examples.count, pixels) && examples.features.count == product(examples.count, features)
            && examples.labels.allSatisfy { (0..<classes).contains($0) } && (examples.inputs + examples.features).allSatisfy(\.isFinite)
        try check(examplesOK, "the examples do not match the input and feature sizes")
    }
}

/// a × b, or nil when it overflows.
func product(_ a: Int, _ b: Int) -> Int? {
    let (value, overflow) = a.multipliedReportingOverflow(by: b)
    return overflow ? nil : value
}

/// The bytes of the regular file at `path`, refused (one `ProfileError`) when it has more than `limit`.
func readBounded(_ path: String, limit: Int) throws -> Data {
    let handle = try openRegularFile(path)
    do {
        let size = try handle.seekToEnd()
        guard size <= UInt64(limit) else { throw ProfileError(path, "is \(size) bytes; a profile has at most \(limit)") }
        try handle.seek(toOffset: 0)
        return try handle.readToEnd() ?? Data()
    } catch let error as ProfileError { throw error } catch {
        throw FileError(path, "cannot be read (\(reason(of: error)))")
    }
}

/// A decoding error in a few words: the missing key or the path to the bad value.
func describeDecodingError(_ error: any Error) -> String {
    guard let error = error as? DecodingError else { return "not JSON" }
    func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
    switch error {
    case let .keyNotFound(key, context): return "no \(quoted(key.stringValue)) at \(path(context).isEmpty ? "the top" : path(context))"
    case let .typeMismatch(_, context), let .valueNotFound(_, context): return "wrong value at \(path(context))"
    case let .dataCorrupted(context): return context.codingPath.isEmpty ? "not JSON" : "bad value at \(path(context))"
    @unknown default: return "not readable"
    }
}

extension Profile {
    /// The first place (the input, a layer, the penultimate Gaussian or a score)
    /// holding a NaN or infinite number, or nil: a profile must be finite to be written and read.
    var firstNonFiniteLayer: String? {
        if !(input.meanImage + input.pixelDeviation).allSatisfy(\.isFinite) || !input.measures.values.allSatisfy(\.isValid) { return "the input" }
        for layer in layers where !([layer.unitMean, layer.unitDeviation, layer.unitLow, layer.unitHigh, layer.firingRate].joined().allSatisfy(\.isFinite)
                                    && layer.distance.isValid && layer.logNorm.isValid && layer.outsideFraction.isValid) {
            return "layer \(quoted(layer.name))"
        }
        if !(penultimate.classMeans + penultimate.covariance).allSatisfy(\.isFinite) || !penultimate.mahalanobis.isValid { return "the penultimate layer" }
        if !(energy.isValid && maxSoftmax.isValid && combined.score.isValid && combined.outAbove.isFinite && combined.suspiciousAbove.isFinite) {
            return "the output"
        }
        return nil
    }

    /// The profile as the JSON file `read` takes: compact, keys sorted.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
