import Foundation

/// Results written from concurrent workers (`DispatchQueue.concurrentPerform`),
/// one slot per task, read after all have finished.
public final class ConcurrentSlots<Value>: @unchecked Sendable {
    private var slots: [Value?]
    private let lock = NSLock()

    /// `count` empty slots.
    public init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// Fills slot `index`.
    public func store(_ value: Value, at index: Int) {
        lock.withLock { slots[index] = value }
    }

    /// Every slot, nil where nothing was stored.
    public var values: [Value?] { lock.withLock { slots } }
}
