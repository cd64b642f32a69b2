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

/// The applications fixture script's record (`goldens/applications/manifest.json`):
/// truncated keras.applications families in three formats, with Keras's float32
/// output of every layer call and a float64 rebuild's (`f64/<key>`).
public struct ApplicationManifest: Decodable {
    public struct ModelEntry: Decodable {
        public struct LayerEntry: Decodable {
            public let index: Int
            public let name: String
            public let key: String
            public let shape: [Int]
        }
        public let model: String
        public let golden: String
        public let family: String
        public let format: String
        public let total_params: Int
        public let layers: [LayerEntry]
    }
    public let models: [String: ModelEntry]

    /// The manifest, when the fixtures hold one.
    public static func load() throws -> ApplicationManifest {
        try JSONDecoder().decode(ApplicationManifest.self, from: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("goldens/applications/manifest.json"))))
    }

    /// Every fixture's name, sorted.
    public static let names = (try? load().models.keys.sorted()) ?? []
}

/// The exactness rule for deep networks: `ours` passes where it is within
/// `1e-4 + 1e-5 · max|keras|` of Keras's float32 output element by element, or,
/// where float32 rounding over depth makes that impossible, where its largest
/// distance from the float64 rebuild `reference` is at most twice Keras's own.
/// Nil when it passes; else a message naming `label` and both distances.
public func depthAwareParityViolation(_ ours: Tensor, keras: Tensor, float64 reference: Tensor, label: String) -> String? {
    guard let strict = parityViolation(ours, keras, label: label) else { return nil }
    guard ours.shape == reference.shape, keras.shape == reference.shape else { return strict }
    func distance(_ values: Tensor) -> Double {
        zip(values.scalars, reference.scalars).reduce(0.0) { worst, pair in
            let error = abs(Double(pair.0) - Double(pair.1))
            return error.isNaN ? .infinity : max(worst, error)
        }
    }
    let (ourDistance, kerasDistance) = (distance(ours), distance(keras))
    guard ourDistance <= 2 * kerasDistance else {
        return "\(strict); from the float64 rebuild LayerLens is \(ourDistance) away, Keras float32 \(kerasDistance) (more than 2×)"
    }
    return nil
}

/// The width and height in a PNG file's IHDR chunk; throws when the file is no PNG.
public func pngSize(_ path: String) throws -> (width: Int, height: Int) {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)).prefix(24))
    guard bytes.count == 24, bytes[0..<4] == [0x89, 0x50, 0x4E, 0x47], bytes[12..<16] == Array("IHDR".utf8)[...] else {
        throw CocoaError(.fileReadCorruptFile)
    }
    let number = { (offset: Int) in bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
    return (number(16), number(20))
}
