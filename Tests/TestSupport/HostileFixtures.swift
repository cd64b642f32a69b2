import Foundation

/// The files of `Fixtures/hostile/hdf5/` (written by `make_hdf5_hostile.py`):
/// small Keras models whose Dense kernel would make HDF5 read another file or
/// load a plugin, each with the refusal LayerLens must give instead.
public enum HostileHDF5Fixtures {
    /// The relative name by which every hostile fixture points at the other file.
    public static let otherFileName = "secret.h5"

    /// The dense kernel each `.h5` fixture tampers with, as a path in the file.
    public static let legacyKernel = "/model_weights/dense_32/dense_32/kernel:0"

    /// Each `.h5` fixture (a path under `Fixtures/`) and its refusal.
    public static let legacyFiles: [(file: String, refusal: String)] = [
        ("hostile/hdf5/external_storage.h5", "dataset \(legacyKernel) stores its data in another file (external storage); refused"),
        ("hostile/hdf5/external_link.h5", "link \(legacyKernel) points into another file (external link); refused"),
        ("hostile/hdf5/virtual.h5", "dataset \(legacyKernel) maps its data from other files (virtual dataset); refused"),
        ("hostile/hdf5/unknown_filter.h5",
         "dataset \(legacyKernel) needs filter 32123, which HDF5 would load as a plugin (not one Keras writes: Fletcher32, deflate, shuffle); refused"),
        ("hostile/hdf5/soft_link_cycle.h5", "link \(legacyKernel) names another path in the file, which may lead in a circle (soft link); refused"),
    ]

    /// Every fixture, the `.keras` archive (whose `model.weights.h5` HDF5 reads from memory) included.
    public static let allFiles = legacyFiles + [
        ("hostile/hdf5/external_storage_k3.keras", "dataset /layers/dense/vars/0 stores its data in another file (external storage); refused"),
    ]
}

/// FIFOs standing in for files that a test must prove are never opened.
///
/// Opening a FIFO for reading blocks until a writer opens it, so no reader can
/// slip past unseen: while `watch` runs its body, a second thread keeps trying
/// to open each FIFO for writing without blocking (`O_NONBLOCK`), which succeeds
/// only while some process holds or awaits it for reading (`ENXIO` otherwise).
/// It then notes the FIFO and closes it at once, so the reader sees an empty
/// file and goes on instead of hanging the test.
public struct FIFOTripwire {
    /// The FIFOs watched.
    public let paths: [String]

    /// Makes a FIFO at each of `paths` (`mkfifo`).
    public init(paths: [String]) throws {
        for path in paths where mkfifo(path, 0o644) != 0 {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: String(cString: strerror(errno))])
        }
        self.paths = paths
    }

    /// Runs `body`, and gives its result with the FIFOs that were opened for reading meanwhile.
    public func watch<T>(_ body: () throws -> T) throws -> (result: T, opened: [String]) {
        let watch = Watch()
        let paths = paths
        let stopped = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            while !watch.isOver {
                for path in paths {
                    let descriptor = open(path, O_WRONLY | O_NONBLOCK)
                    if descriptor >= 0 {
                        close(descriptor)
                        watch.saw(path)
                    }
                }
                usleep(1000)
            }
            stopped.signal()
        }
        let result = Result { try body() }
        watch.end()
        stopped.wait()
        return (try result.get(), watch.opened)
    }
}

/// What one `FIFOTripwire.watch` saw, shared with its watching thread.
private final class Watch: @unchecked Sendable {
    private let lock = NSLock()
    private var sightings: Set<String> = []
    private var over = false

    var isOver: Bool { lock.withLock { over } }
    var opened: [String] { lock.withLock { sightings.sorted() } }
    func saw(_ path: String) { lock.withLock { _ = sightings.insert(path) } }
    func end() { lock.withLock { over = true } }
}
