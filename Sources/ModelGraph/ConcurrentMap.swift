import Foundation

/// `body(0)`, …, `body(count − 1)` run on all cores (`DispatchQueue.concurrentPerform`),
/// their results in index order. Tasks run at the same time, so each may read
/// what the others read but write only its own result. A task that can fail
/// returns a `Result`.
public func concurrentMap<Value>(_ count: Int, _ body: (Int) -> Value) -> [Value] {
    let slots = ConcurrentSlots<Value>(count: count)
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let task = body
        DispatchQueue.concurrentPerform(iterations: count) { slots.store(task($0), at: $0) }
    }
    return slots.values.map { $0! }
}

/// Results written from concurrent workers, one slot per task, read after all have finished.
private final class ConcurrentSlots<Value>: @unchecked Sendable {
    private var slots: [Value?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ value: Value, at index: Int) {
        lock.withLock { slots[index] = value }
    }

    var values: [Value?] { lock.withLock { slots } }
}
