import Foundation
import LayerLensFuzzTargets

/// The reader this process fuzzes, named by `LAYERLENS_FUZZ_TARGET` (`scripts/fuzz` sets it).
let target: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["LAYERLENS_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        fatalError("set LAYERLENS_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return target
}()

/// libFuzzer's entry: feeds one input to the chosen reader. A thrown error is a
/// normal outcome; only a trap, a sanitizer report, a time-out or running out of
/// memory counts as a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    try? target.run(Data(bytes: data, count: size))
    return 0
}
