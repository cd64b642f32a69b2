import Foundation
import Testing
import TestSupport

/// The CLI on Fixtures/hostile/config: a hostile file ends the run with status
/// 1 and one line on stderr, never a signal, quickly and in bounded memory.
@Suite struct HostileConfigCLITests {
    static let refusedFiles = [
        "shape_1e300.h5", "padding_1e300.h5", "node_index_1e300.h5", "axis_1e300.h5", "kernel_size_1e300.h5",
        "kernel_size_1e300.keras", "softmax_axis_99.h5", "cropping_negative.h5", "cropping_over_input.h5", "repeat_negative.h5", "units_zero.h5",
        "reshape_overflow.h5", "upsampling_overflow.h5", "kernel_4tib.h5", "kernel_8gib.h5", "kernel_2gib_unwritten.h5", "weights_20gib_in_all.h5",
    ]

    /// The largest resident size any child process of this test run has had, in bytes.
    private func largestChildResidentBytes() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage)
        return usage.ru_maxrss * 1024
    }

    /// A one-sample float32 `.npy` of `values` (shape `(count,)`), written into a temporary folder.
    private func npy(_ values: [Float]) throws -> String {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(values.count),), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93]) + Data("NUMPY".utf8) + Data([1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data += Data(header.utf8)
        values.forEach { withUnsafeBytes(of: $0.bitPattern.littleEndian) { data += Data($0) } }
        let path = try Fixtures.temporaryFolder() + "/input.npy"
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: refusedFiles, ["summary", "trace"])
    func refusesWithOneLine(file: String, command: String) throws {
        let path = Fixtures.path("hostile/config/" + file)
        let arguments = command == "summary" ? ["summary", path] : ["trace", path, try npy([0.5]), "--no-report", "--json"]
        let started = Date()
        let result = try layerlens(arguments)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("layerlens: error: \(path): "), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(largestChildResidentBytes() < 2 << 30)
    }

    @Test func tracesTheReversed20000LayerChainQuickly() throws {
        let path = Fixtures.path("hostile/config/chain_20000_reversed.h5")
        let started = Date()
        let result = try layerlens(["trace", path, try npy([0.5]), "--no-report", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(largestChildResidentBytes() < 2 << 30)
    }

    @Test func summarises3000FanOutBranchesQuickly() throws {
        let started = Date()
        let result = try layerlens(["summary", Fixtures.path("hostile/config/fanout_3000.h5")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("concatenate"))
        #expect(Date().timeIntervalSince(started) < 20)
    }
}
