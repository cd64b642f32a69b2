import Foundation

extension Array where Element: BitwiseCopyable {
    /// An array of `count` elements, each set by `initialize`, whose storage is
    /// advised for transparent huge pages when it is large (`madvise(MADV_HUGEPAGE)`).
    /// Layer outputs of big batches run to hundreds of megabytes; faulting them
    /// in 4 KiB pages costs more than the arithmetic, and the kernel only uses
    /// huge pages for memory that asks for them.
    public static func large(count: Int, initialize: (UnsafeMutableBufferPointer<Element>) -> Void) -> [Element] {
        [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            initialize(buffer)
            initialized = count
        }
    }
}

/// Asks for huge pages on the whole 2 MiB pages inside `buffer`, when it spans at least one.
func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
    let hugePage = 2 << 20
    guard let base = buffer.baseAddress, buffer.count >= 2 * hugePage else { return }
    let start = (Int(bitPattern: base) + hugePage - 1) & ~(hugePage - 1)
    let end = (Int(bitPattern: base) + buffer.count) & ~(hugePage - 1)
    guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(pointer, end - start, MADV_HUGEPAGE)
}
