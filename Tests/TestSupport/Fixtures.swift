import Foundation
import ModelGraph
import NumPyFormat

/// Paths and goldens under the repository's `Fixtures/` folder.
public enum Fixtures {
    /// The repository root, found from this file's path.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The absolute path of `relative` under `Fixtures/`.
    public static func path(_ relative: String) -> String {
        root.appendingPathComponent("Fixtures").appendingPathComponent(relative).path
    }

    /// `Fixtures/goldens/manifest.json`, as written by the fixture script.
    public static func manifest() throws -> GoldenManifest {
        try JSONDecoder().decode(GoldenManifest.self, from: Data(contentsOf: URL(fileURLWithPath: path("goldens/manifest.json"))))
    }

    /// A fresh empty temporary folder.
    public static func temporaryFolder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("layerlens-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }
}

/// The fixture script's record of each model and its goldens.
public struct GoldenManifest: Decodable {
    public struct ModelEntry: Decodable {
        public struct LayerEntry: Decodable {
            public let index: Int
            public let name: String
            public let `class`: String
            public let activation: String
            public let key: String
            public let shape: [Int]
        }
        public let model: String
        public let golden: String
        public let keras_version: String
        public let total_params: Int
        public let layers: [LayerEntry]
        /// True for functional models, whose goldens hold `input_<i>` and `output_<i>`.
        public let graph: Bool?
    }
    public let models: [String: ModelEntry]

    /// The fixture models the script wrote goldens for, Sequential ones and graphs.
    public static let sequentialModels = try! Fixtures.manifest().models.filter { $0.value.graph != true }.keys.sorted()
    public static let graphModels = try! Fixtures.manifest().models.filter { $0.value.graph == true }.keys.sorted()
}

/// Where `ours` leaves Keras's tolerance: `|ours − keras| ≤ 1e-4 + 1e-5 · max|keras|`,
/// element by element. Nil when every element is within it; else a message
/// naming `label`, the worst element, both values and the bound.
public func parityViolation(_ ours: Tensor, _ keras: Tensor, label: String) -> String? {
    guard ours.shape == keras.shape else {
        return "\(label): shape \(ours.shape) differs from Keras's \(keras.shape)"
    }
    let largest = keras.scalars.reduce(Float(0)) { max($0, abs($1)) }
    let bound = 1e-4 + 1e-5 * Double(largest)
    var worst = (index: -1, error: 0.0)
    for index in keras.scalars.indices {
        let error = abs(Double(ours.scalars[index]) - Double(keras.scalars[index]))
        if !(error <= bound), error.isNaN || error > worst.error { worst = (index, error.isNaN ? .infinity : error) }
    }
    guard worst.index >= 0 else { return nil }
    return "\(label): element \(worst.index) is \(ours.scalars[worst.index]), Keras has \(keras.scalars[worst.index]) (|error| \(worst.error) > \(bound))"
}
