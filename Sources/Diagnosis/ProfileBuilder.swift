import Foundation
import ModelGraph

/// Turns a profiling pass's sums and calibration sample into a `Profile`: exact
/// moments from the sums; unit quantiles, every distribution and the verdict
/// thresholds from the calibration sample, scored against the finished moments.
struct ProfileBuilder {
    let sums: ProfileSums
    let store: CalibrationStore
    /// The calibration sample's slots, in the order of their keys.
    let order: [Int]
    let model: Model
    let image: (height: Int, width: Int, channels: Int)

    func profile(identity: ModelIdentity, data: DataIdentity, exampleLimit: Int) -> Profile {
        let measures = order.map { slot in
            InputMeasures(pixels: store.input(slot), height: image.height, width: image.width, channels: image.channels)
        }
        let placeholder = QuantileTable(samples: [])
        var profile = Profile(model: identity, data: data, input: inputProfile(measures), layers: layerProfiles(placeholder),
                              penultimate: penultimateProfile(placeholder), energy: table(\.energy), maxSoftmax: table(\.maxSoftmax),
                              combined: CombinedProfile(score: placeholder, suspiciousAbove: 0, outAbove: 0),
                              examples: examples(limit: exampleLimit))

        // The layers' distances and the Mahalanobis distance need the finished moments and means.
        let gaussian = ClassGaussian(profile.penultimate, features: sums.features)
        var evidence: [Evidence] = []
        for (index, slot) in order.enumerated() {
            let units = (0..<model.nodes.count).map { Array(store.units($0, slot)) }
            let layers = profile.layerEvidence(units: units)
            evidence.append(Evidence(measures: measures[index], layerDistances: layers.distances, layerLogNorms: layers.logNorms,
                                     outsideFractions: layers.outside, mahalanobis: gaussian.minimumDistance(units[sums.penultimate]),
                                     energy: store.energy[slot], maxSoftmax: store.maxSoftmax[slot]))
        }
        for index in profile.layers.indices {
            // Tolerances: a tenth of the typical distance, 5% of the norm, one unit outside its band.
            let distances = evidence.map { $0.layerDistances[index] }
            profile.layers[index].distance = QuantileTable(samples: distances, tolerance: 0.1 * QuantileTable(samples: distances).median)
            profile.layers[index].logNorm = QuantileTable(samples: evidence.map { $0.layerLogNorms[index] }, tolerance: log10(1.05))
            profile.layers[index].outsideFraction = QuantileTable(samples: evidence.map { $0.outsideFractions[index] },
                                                                  tolerance: 1 / Double(profile.layers[index].units))
        }
        profile.penultimate.mahalanobis = QuantileTable(samples: evidence.map(\.mahalanobis))
        let combined = evidence.map { Profile.combinedScore(profile.scores(of: $0)) }
        let table = QuantileTable(samples: combined)
        // Within the calibration sample a surprise cannot pass log₁₀(n + 1), the rarest sample's, so
        // `out` also asks for a tenth of that chance: an input beyond the data, not merely at its edge.
        let edge = log10(Double(order.count + 1))
        profile.combined = CombinedProfile(score: table, suspiciousAbove: table.quantile(0.95), outAbove: max(table.quantile(0.995), edge + 1))
        return profile
    }

    private func table(_ values: KeyPath<CalibrationStore, UnsafeMutableBufferPointer<Double>>) -> QuantileTable {
        QuantileTable(samples: order.map { store[keyPath: values][$0] })
    }

    private func inputProfile(_ measures: [InputMeasures]) -> InputProfile {
        let moments = zip(sums.inputSums, sums.inputSquares).map { sums.moments($0, $1) }
        let minimum = QuantileTable(samples: measures.map { $0[.minimum] }), maximum = QuantileTable(samples: measures.map { $0[.maximum] })
        let span = max(maximum.quantile(0.995) - minimum.quantile(0.005), 1e-12)
        var tables: [String: QuantileTable] = [:]
        for measure in InputMeasure.allCases {
            tables[measure.rawValue] = QuantileTable(samples: measures.map { $0[measure] }, tolerance: measure.tolerance(valueSpan: span))
        }
        return InputProfile(imageShape: [image.height, image.width, image.channels], meanImage: moments.map(\.mean),
                            pixelDeviation: moments.map(\.deviation), measures: tables)
    }

    private func layerProfiles(_ placeholder: QuantileTable) -> [LayerProfile] {
        model.nodes.enumerated().map { index, node in
            let layout = sums.layouts[index]
            let moments = zip(sums.unitSums[index], sums.unitSquares[index]).map { sums.moments($0, $1) }
            var low = [Float](repeating: 0, count: layout.units), high = low
            var column = [Float](repeating: 0, count: order.count)
            let values = store.layers[index]
            for unit in 0..<layout.units {
                for (row, slot) in order.enumerated() { column[row] = values[slot * layout.units + unit] }
                let table = QuantileTable(samples: column.map(Double.init))
                low[unit] = Float(table.quantile(0.001))
                high[unit] = Float(table.quantile(0.999))
            }
            let positions = max(Double(sums.count) * Double(layout.positions), 1)
            return LayerProfile(name: node.name, className: node.typeName, units: layout.units, unitMean: moments.map(\.mean),
                                unitDeviation: moments.map(\.deviation), unitLow: low, unitHigh: high,
                                firingRate: sums.positive[index].map { Float(Double($0) / positions) },
                                distance: placeholder, logNorm: placeholder, outsideFraction: placeholder)
        }
    }

    private func penultimateProfile(_ placeholder: QuantileTable) -> PenultimateProfile {
        let gaussian = sums.classGaussian()
        return PenultimateProfile(layer: sums.penultimate, classCounts: sums.classCounts, classMeans: gaussian.means,
                                  covariance: gaussian.covariance, mahalanobis: placeholder)
    }

    /// The first `limit` samples of the calibration sample (itself a uniform random sample).
    private func examples(limit: Int) -> ExampleSet {
        let chosen = order.prefix(limit), width = store.inputWidth, features = sums.features
        return ExampleSet(labels: chosen.map { store.labels[$0] },
                          inputs: chosen.flatMap { store.inputs[($0 * width)..<(($0 + 1) * width)] },
                          features: chosen.flatMap { store.layers[sums.penultimate][($0 * features)..<(($0 + 1) * features)] })
    }
}
