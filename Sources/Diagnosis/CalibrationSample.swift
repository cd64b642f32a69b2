import Analysis

/// Chooses which samples of a stream enter a uniform random sample of
/// `capacity` (Vitter's algorithm R) before they are traced: the choice depends
/// only on the count and the seed, so workers can write the chosen samples'
/// values straight into their slots, and the sample is the same however the
/// stream is cut into batches and chunks.
struct SlotPlanner {
    let capacity: Int
    private var generator: SplitMix64
    private(set) var offered = 0

    init(capacity: Int, seed: UInt64) {
        self.capacity = capacity
        generator = SplitMix64(seed: seed)
    }

    /// The slot of each of the next `count` samples, nil for those not kept. A
    /// slot given to two samples of these goes to the later one only.
    mutating func slots(forNext count: Int) -> [Int?] {
        var slots = [Int?](repeating: nil, count: count)
        var owner: [Int: Int] = [:]
        for sample in 0..<count {
            let slot: Int? = offered < capacity ? offered : {
                let j = Int.random(in: 0...offered, using: &generator)
                return j < capacity ? j : nil
            }()
            offered += 1
            guard let slot else { continue }
            if let earlier = owner[slot] { slots[earlier] = nil }
            owner[slot] = sample
            slots[sample] = slot
        }
        return slots
    }

    /// How many slots hold a sample.
    var filled: Int { min(offered, capacity) }
}

/// The calibration sample's values, written by the tracing workers into
/// distinct slots: model inputs, every layer's units, labels, energy and the
/// largest softmax probability.
///
/// Plain buffers rather than arrays because workers write different slots of
/// the same buffer at once, which Swift arrays (copy-on-write) do not allow.
final class CalibrationStore: @unchecked Sendable {
    let capacity: Int
    let inputWidth: Int
    let unitCounts: [Int]
    let inputs: UnsafeMutableBufferPointer<Float>
    let layers: [UnsafeMutableBufferPointer<Float>]
    let labels: UnsafeMutableBufferPointer<Int>
    let energy: UnsafeMutableBufferPointer<Double>
    let maxSoftmax: UnsafeMutableBufferPointer<Double>

    init(capacity: Int, inputWidth: Int, unitCounts: [Int]) {
        self.capacity = capacity
        self.inputWidth = inputWidth
        self.unitCounts = unitCounts
        func buffer<T: Numeric>(_ count: Int) -> UnsafeMutableBufferPointer<T> {
            let pointer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(count, 1))
            pointer.initialize(repeating: 0)
            return pointer
        }
        inputs = buffer(capacity * inputWidth)
        layers = unitCounts.map { buffer(capacity * $0) }
        labels = buffer(capacity)
        energy = buffer(capacity)
        maxSoftmax = buffer(capacity)
    }

    deinit {
        inputs.deallocate()
        layers.forEach { $0.deallocate() }
        labels.deallocate()
        energy.deallocate()
        maxSoftmax.deallocate()
    }

    /// The bytes one slot takes.
    static func bytesPerSample(inputWidth: Int, unitCounts: [Int]) -> Int {
        (inputWidth + unitCounts.reduce(0, +)) * MemoryLayout<Float>.size + 3 * 8
    }

    func input(_ slot: Int) -> UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(rebasing: inputs[(slot * inputWidth)..<((slot + 1) * inputWidth)])
    }

    func units(_ layer: Int, _ slot: Int) -> UnsafeMutableBufferPointer<Float> {
        let n = unitCounts[layer]
        return UnsafeMutableBufferPointer(rebasing: layers[layer][(slot * n)..<((slot + 1) * n)])
    }
}
