import Foundation

/// The files under `Fixtures/old_keras/`, written by `Fixtures/make_old_keras.py`:
/// models as standalone Keras 2.0–2.3 (through h5py 2.x) wrote them, with the
/// goldens tf_keras and Keras 3 computed on the original models.
public enum OldKerasFixtures {
    /// `Fixtures/old_keras/manifest.json`, in the golden manifest's format
    /// (paths relative to `Fixtures/`).
    public static func manifest() throws -> GoldenManifest {
        try JSONDecoder().decode(GoldenManifest.self, from: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("old_keras/manifest.json"))))
    }

    /// The names of the readable old-format models, in name order.
    public static let models = try! manifest().models.keys.sorted()
}
