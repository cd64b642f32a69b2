import CMalloc
import COpenBLAS

/// Readies the process for LayerLens's kernels; done once, on the first call,
/// before the first large allocation (the CLI calls it first thing).
///
/// - OpenBLAS runs on the calling thread only, its thread pool stopped. The kernels
///   spread their work over the cores themselves (`parallelFor`, one sgemm per core
///   at a time): OpenBLAS's threads on top collapsed about 10× on a 2-core machine
///   whose other core was busy, and idle they spin in sched_yield (about 40 ms of
///   system time in a short trace). Debian's single-threaded build has no pool, but
///   it is built without locking, and two threads calling it at once got wrong products.
/// - glibc's malloc keeps large blocks in its heap instead of giving each its own
///   mapping. A forward pass frees and allocates layer outputs of megabytes over and
///   over; as fresh mappings each page was zeroed by the kernel on first touch, which
///   took about half of MobileNetV2's time at 224×224 (2.5 s → 1.3 s for 32 images).
///   One arena serves every thread: a worker thread's own arena gives whole freed
///   heaps back to the kernel whatever the trim threshold, and the pages came back
///   zeroed again (MobileNetV2, 32 images in two chunks at once: 2.1 s → 0.7 s, two
///   thirds of it system time). The blocks are large and few, so one lock costs nothing.
///   Peak memory is unchanged or lower: freed blocks are reused, not added to.
public func prepareComputeRuntime() { _ = computeRuntime }

private let computeRuntime: Void = {
    openblas_set_num_threads(1)
    _ = blas_thread_shutdown_()
    _ = mallopt(M_ARENA_MAX, 1)
    _ = mallopt(M_MMAP_MAX, 0)
    _ = mallopt(M_TRIM_THRESHOLD, Int32.max)
}()
