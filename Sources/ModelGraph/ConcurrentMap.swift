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
///
/// Called from a task of another `concurrentMap` that runs on several cores, it runs
/// its tasks in the calling thread: the cores are busy already, and nesting would
/// put more threads on them than there are cores (a chunk of `eval` runs its
/// layers' kernels, themselves split with `parallelFor`, in its own thread).
public func concurrentMap<Value>(_ count: Int, workers: Int? = nil, _ body: (Int) -> Value) -> [Value] {
    let tasks = ConcurrentTasks<Value>(count: count)
    let helperCount = WorkerThread.isCurrent ? 0 : min(count, workers ?? .max, ProcessInfo.processInfo.activeProcessorCount) - 1
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let task = body
        guard helperCount > 0 else { return tasks.runAll(task) }
        let helpers = DispatchGroup()
        for _ in 0..<helperCount {
            DispatchQueue.global().async(group: helpers) { WorkerThread.run { tasks.runAll(task) } }
        }
        WorkerThread.run { tasks.runAll(task) }
        helpers.wait()
    }
    return tasks.results.map { $0! }
}

/// `body(0)`, …, `body(count − 1)` on all cores, as `concurrentMap` runs them:
/// for a kernel that splits its work into `count` independent pieces, each writing
/// its own part of the output. The pieces must not depend on the number of cores,
/// so that the result is the same on every machine.
public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    if count == 1 { return body(0) }
    _ = concurrentMap(count, body)
}

/// `body(range)` over `0..<count` cut into ranges of `grain` elements (the last
/// shorter), on all cores: for element-wise work, whose pieces need no more than
/// a range to share the cores.
public func parallelRanges(_ count: Int, grain: Int = 1 << 16, _ body: (Range<Int>) -> Void) {
    parallelFor((count + grain - 1) / grain) { piece in body((piece * grain)..<min(count, (piece + 1) * grain)) }
}

/// Marks the threads that run a multi-core `concurrentMap`'s tasks, with a
/// thread-specific value, so that a `concurrentMap` inside one runs serially.
private enum WorkerThread {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Whether the calling thread is running a multi-core `concurrentMap`'s tasks.
    static var isCurrent: Bool { pthread_getspecific(key) != nil }

    /// Runs `body` with the calling thread marked, then restores its mark.
    static func run(_ body: () -> Void) {
        let outer = pthread_getspecific(key)
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: 1))
        body()
        pthread_setspecific(key, outer)
    }
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
