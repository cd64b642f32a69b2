import Foundation

/// `body(0)`, …, `body(count − 1)` run on all cores (at most `workers` at a
/// time, when given), their results in index order.
/// Tasks run at the same time, so each may read what the others read but write
/// only its own result. A task that can fail returns a `Result`.
///
/// The calling thread and one helper per other core take the next task until none
/// is left. The helpers are started with `DispatchQueue.async`, whose first one runs
/// within about 0.3 ms; `DispatchQueue.concurrentPerform` let the second core join
/// only after about 3 ms, longer than the short tasks of a small model's report.
public func concurrentMap<Value>(_ count: Int, workers: Int? = nil, _ body: (Int) -> Value) -> [Value] {
    let tasks = ConcurrentTasks<Value>(count: count)
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let task = body
        let helpers = DispatchGroup()
        for _ in 1..<max(1, min(count, workers ?? .max, ProcessInfo.processInfo.activeProcessorCount)) {
            DispatchQueue.global().async(group: helpers) { tasks.runAll(task) }
        }
        tasks.runAll(task)
        helpers.wait()
    }
    return tasks.results.map { $0! }
}

/// The task indexes still to run and the results written so far, one slot per
/// task, read after every worker has finished.
private final class ConcurrentTasks<Value>: @unchecked Sendable {
    private var slots: [Value?]
    private var next = 0
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// Runs tasks, one at a time, until every index has been taken.
    func runAll(_ task: (Int) -> Value) {
        while let index = take() {
            let value = task(index)
            lock.withLock { slots[index] = value }
        }
    }

    private func take() -> Int? {
        lock.withLock {
            guard next < slots.count else { return nil }
            defer { next += 1 }
            return next
        }
    }

    var results: [Value?] { lock.withLock { slots } }
}
