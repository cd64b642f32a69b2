import Analysis

/// Chooses which samples of a stream enter the calibration sample before they
/// are traced: the `capacity` samples with the smallest priorities, a hash of
/// their sample ID and the seed (a bottom-k sample, uniformly random). The
/// choice depends only on the IDs, so workers can write the chosen samples'
/// values straight into their slots; the sample is the same however the stream
/// is cut into batches, chunks or shards, and the samples of shards merge into
/// the whole run's by keeping the smallest priorities.
struct SlotPlanner {
    let capacity: Int
    let seed: UInt64
    /// Each filled slot's priority and sample ID.
    private(set) var keys: [SampleKey] = []
    /// The filled slots as a max-heap on their keys: the root is the next to give way.
    private var heap: [Int] = []
    private(set) var offered = 0

    init(capacity: Int, seed: UInt64) {
        self.capacity = capacity
        self.seed = seed
    }

    /// The slot of each sample of a batch with these IDs, nil for those not kept.
    /// A slot given to two samples of the batch goes to the later one only.
    mutating func slots(for sampleIDs: [Int]) -> [Int?] {
        var slots = [Int?](repeating: nil, count: sampleIDs.count)
        var owner: [Int: Int] = [:]
        for (sample, id) in sampleIDs.enumerated() {
            offered += 1
            guard let slot = admit(SampleKey(id: id, seed: seed)) else { continue }
            if let earlier = owner[slot] { slots[earlier] = nil }
            owner[slot] = sample
            slots[sample] = slot
        }
        return slots
    }

    /// Takes `key` into a free slot, or into the slot of the largest key when it
    /// is smaller; returns the slot, or nil when the key is not kept.
    mutating func admit(_ key: SampleKey) -> Int? {
        if keys.count < capacity {
            keys.append(key)
            heap.append(keys.count - 1)
            siftUp(heap.count - 1)
            return keys.count - 1
        }
        guard let root = heap.first, key < keys[root] else { return nil }
        keys[root] = key
        siftDown(0)
        return root
    }

    /// How many slots hold a sample.
    var filled: Int { keys.count }

    /// The filled slots in the order of their keys: the sample's order whatever the arrival order.
    var slotsInKeyOrder: [Int] { keys.indices.sorted { keys[$0] < keys[$1] } }

    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard keys[heap[parent]] < keys[heap[child]] else { return }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            var largest = parent
            for child in [2 * parent + 1, 2 * parent + 2] where child < heap.count && keys[heap[largest]] < keys[heap[child]] {
                largest = child
            }
            guard largest != parent else { return }
            heap.swapAt(parent, largest)
            parent = largest
        }
    }
}

/// A sample's place in the calibration order: its priority (SplitMix64's mix of
/// the seed and the sample ID), ties broken by the ID.
public struct SampleKey: Comparable, Codable, Sendable {
    public let priority: UInt64
    public let id: Int

    init(id: Int, seed: UInt64) {
        var generator = SplitMix64(seed: seed ^ (UInt64(bitPattern: Int64(id)) &* 0x9E37_79B9_7F4A_7C15))
        priority = generator.next()
        self.id = id
    }

    public static func < (a: SampleKey, b: SampleKey) -> Bool { (a.priority, a.id) < (b.priority, b.id) }
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
