import DataSets

/// A uniform random sample of a stream (Vitter's algorithm R), reproducible from its seed.
struct Reservoir {
    let capacity: Int
    private var generator: SplitMix64
    private var offered = 0
    private var features: [Float] = []
    private var labels: [Int] = []
    private var ids: [Int] = []
    private var featureCount = 0

    init(capacity: Int, seed: UInt64) {
        self.capacity = capacity
        generator = SplitMix64(seed: seed)
    }

    mutating func offer(_ batch: DataSetBatch) {
        featureCount = batch.featureCount
        for sample in 0..<batch.count {
            let values = batch.features(ofSample: sample)
            if labels.count < capacity {
                features += values
                labels.append(batch.labels[sample])
                ids.append(batch.sampleIDs[sample])
            } else {
                let slot = Int.random(in: 0...offered, using: &generator)
                if slot < capacity {
                    features.replaceSubrange((slot * featureCount)..<((slot + 1) * featureCount), with: values)
                    labels[slot] = batch.labels[sample]
                    ids[slot] = batch.sampleIDs[sample]
                }
            }
            offered += 1
        }
    }

    /// The chosen samples, in data order.
    var batch: DataSetBatch {
        let order = ids.indices.sorted { ids[$0] < ids[$1] }
        var features: [Float] = []
        features.reserveCapacity(self.features.count)
        for index in order { features += self.features[(index * featureCount)..<((index + 1) * featureCount)] }
        return DataSetBatch(features: features, labels: order.map { labels[$0] }, sampleIDs: order.map { ids[$0] }, featureCount: featureCount)
    }
}

/// Sebastiano Vigna's SplitMix64: a small, fast, seedable generator, so that
/// a sample drawn with a given seed is the same on every machine.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
