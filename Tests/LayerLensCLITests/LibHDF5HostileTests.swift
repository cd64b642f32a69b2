import Foundation
import Testing
import TestSupport

/// Files on which libhdf5 1.10 itself crashed or looped (`Fixtures/hostile/libhdf5/`,
/// found by the fuzzers while LayerLens read HDF5 through it). LayerLens now reads
/// HDF5 with its own reader, but each still runs through the CLI in a child process,
/// so that a crash would fail this test instead of stopping the run: exit 1, one
/// error line naming the file, no signal, within 20 s.
@Suite struct LibHDF5HostileTests {
    static let files = ["global-heap-object-size-memcpy.h5", "global-heap-loop-reading-model-config.h5"]

    @Test(arguments: files)
    func isRefusedWithOneLine(file: String) throws {
        let path = Fixtures.path("hostile/libhdf5/" + file)
        let result = try layerlens(["summary", path], timeLimit: 20)
        #expect(!result.timedOut, "still running after 20 s")
        #expect(result.status == 1, "exit status \(result.status)")
        #expect(result.stderr.hasPrefix("layerlens: error: \(path): ") && result.stderr.filter { $0 == "\n" }.count == 1,
                "\(result.stderr.prefix(300))")
    }
}
