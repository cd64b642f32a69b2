import CHDF5
import Foundation

/// A failed libhdf5 call in the oracle, carrying what the library's error stack said.
public struct LibHDF5Error: Error, CustomStringConvertible, Sendable {
    /// What went wrong, in HDF5's own words where it gave any.
    public let description: String

    /// An error saying `description`.
    public init(_ description: String) {
        self.description = description
    }
}

/// Turns HDF5's status codes into thrown errors and keeps its error stack quiet.
enum LibHDF5Status {
    /// Readies the library once, before the first call: turns off plugin loading
    /// (`H5PLset_loading_state(0)`), so that no file can make HDF5 load code from
    /// its plugin folder or `HDF5_PLUGIN_PATH`: a dataset needing an unknown filter fails to read.
    static let initialised: Void = {
        H5PLset_loading_state(0)
    }()

    /// Every oracle call into libhdf5 goes through this lock (the HDF5 module, while
    /// it still wraps libhdf5, has its own; Debian's build is thread-safe).
    private static let lock = NSRecursiveLock()

    /// Runs `body` holding the library lock, with the library initialised and
    /// its automatic error printing silenced (`H5Eset_auto2`, per thread in a
    /// thread-safe build), as every failure surfaces as a `LibHDF5Error` instead.
    static func serialized<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        _ = initialised
        H5Eset_auto2(ll_h5e_default(), nil, nil)
        return try body()
    }

    /// Throws when an identifier-returning call (`H5Fopen`, `H5Gopen2`, …) failed.
    @discardableResult
    static func check(_ id: hid_t, _ what: @autoclosure () -> String) throws -> hid_t {
        if id < 0 { throw failure(what()) }
        return id
    }

    /// Throws when a status-returning call (`H5Dread`, `H5Aread`, …) failed.
    static func check(_ status: herr_t, _ what: @autoclosure () -> String) throws {
        if status < 0 { throw failure(what()) }
    }

    /// The error for a failed call: `what` and, where HDF5 said something, the
    /// innermost message of its error stack (`H5Ewalk2`), which names the cause.
    static func failure(_ what: String) -> LibHDF5Error {
        var messages: [String] = []
        withUnsafeMutablePointer(to: &messages) { pointer in
            _ = H5Ewalk2(ll_h5e_default(), H5E_WALK_UPWARD, { _, entry, context in
                if let entry, let description = entry.pointee.desc {
                    context!.assumingMemoryBound(to: [String].self).pointee.append(String(cString: description))
                }
                return 0
            }, pointer)
        }
        H5Eclear2(ll_h5e_default())
        guard let cause = messages.first(where: { !$0.isEmpty }) else { return LibHDF5Error(what) }
        return LibHDF5Error("\(what) (\(cause))")
    }
}
