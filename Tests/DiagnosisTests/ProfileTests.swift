import Foundation
import LayerLens
import Testing
import TestSupport

/// The profile's exact part against Keras's own layer outputs over the same
/// data (`goldens/profile_seed_tf2.npz`, from `make_doctor.py profile-goldens`),
/// within the exactness rule: 1e-4 + 1e-5 × the largest magnitude.
@Suite struct ProfileTests {
    func golden(_ key: String) throws -> [Double] {
        let array = try #require(try NumPyFile.readArchive(Fixtures.path("goldens/profile_seed_tf2.npz"))[key], "\(key)")
        return array.floats.map(Double.init)
    }

    func expectClose(_ ours: [Double], _ theirs: [Double], _ what: String) {
        #expect(ours.count == theirs.count, "\(what): \(ours.count) values, Keras \(theirs.count)")
        let tolerance = 1e-4 + 1e-5 * (theirs.map(abs).max() ?? 0)
        let worst = zip(ours, theirs).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= tolerance, "\(what): off by \(worst), tolerance \(tolerance)")
    }

    @Test func meansDeviationsAndFiringRatesEqualKerasOutputs() throws {
        let profile = try SeedDoctor.doctor().profile
        #expect(profile.data.count == 2600 && profile.data.calibrationCount == 2600)
        expectClose(profile.input.meanImage.map(Double.init), try golden("input/mean"), "mean image")
        expectClose(profile.input.pixelDeviation.map(Double.init), try golden("input/std"), "pixel deviation")
        for layer in profile.layers {
            expectClose(layer.unitMean.map(Double.init), try golden("\(layer.name)/mean"), "\(layer.name) means")
            expectClose(layer.unitDeviation.map(Double.init), try golden("\(layer.name)/std"), "\(layer.name) deviations")
            let firing = try golden("\(layer.name)/firing")
            // A unit whose Keras value lies within float32 rounding of 0 may fall on either side here.
            #expect(zip(layer.firingRate.map(Double.init), firing).allSatisfy { abs($0 - $1) <= 2.0 / 2600 }, "\(layer.name) firing")
        }
    }

    @Test func thePenultimateGaussianEqualsKerasFeatures() throws {
        let profile = try SeedDoctor.doctor().profile
        #expect(profile.layers[profile.penultimate.layer].name == "dense_3")
        #expect(profile.penultimate.classCounts == [Int](repeating: 100, count: 26))
        expectClose(profile.penultimate.classMeans.map(Double.init), try golden("penultimate/class_means"), "class means")
        expectClose(profile.penultimate.covariance.map(Double.init), try golden("penultimate/covariance"), "shared covariance")
    }

    @Test func theFileRoundTripsAndIsChecked() throws {
        let profile = try SeedDoctor.doctor().profile
        let folder = try Fixtures.temporaryFolder()
        let path = folder + "/profile.json"
        try profile.encoded().write(to: URL(fileURLWithPath: path))
        let read = try Profile.read(path)
        #expect(read.layers.map(\.unitMean) == profile.layers.map(\.unitMean))
        #expect(read.combined.outAbove == profile.combined.outAbove)
        // Damaged copies: each refused with a line naming the file and the problem.
        var json = try JSONSerialization.jsonObject(with: profile.encoded()) as! [String: Any]
        json["version"] = 2
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        #expect(throws: ProfileError.self) { try Profile.read(path) }
        var layers = json["layers"] as! [[String: Any]]
        layers[1]["unit_mean"] = [1.0, 2.0]
        json["version"] = 1
        json["layers"] = layers
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: ProfileError.self) { try Profile.read(path) }
        #expect(error?.description.hasPrefix(path) == true && error?.description.contains("dense_1") == true, "\(String(describing: error))")
        try Data("{\"format\": \"layerlens-profile\"".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ProfileError.self) { try Profile.read(path) }
    }
}
