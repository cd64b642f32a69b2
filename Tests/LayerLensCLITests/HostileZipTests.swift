import Foundation
import LayerLens
import Testing
import TestSupport

/// Hostile zip containers and `.npy` headers through the `layerlens` command:
/// each refused with exit status 1 and one line on stderr, quickly, without a
/// signal; and an `.npz` data set streamed by `eval` in constant memory.
@Suite struct HostileZipTests {
    @Test(arguments: [
        (["summary"], "crc_mismatch.keras", "member 'model.weights.h5' fails its CRC-32 check"),
        (["summary"], "crc_mismatch_deflated.keras", "member 'config.json' fails its CRC-32 check"),
        (["summary"], "deflate_bomb.keras", "member 'model.weights.h5' inflates past its declared 21.6 kB; refused"),
        (["summary"], "zip64_offset.keras", "the local header offset of member 'config.json', 18446744073709551600, lies past the end of the 5242-byte file"),
        (["eval", Fixtures.path("models/seed_tf2.h5")], "deflate_bomb.npz", "member 'x.npy' inflates past its declared 31.5 kB; refused"),
        (["eval", Fixtures.path("models/seed_tf2.h5")], "empty_overflowing_shape.npy", "over the 4294967296-element limit"),
        (["trace", Fixtures.path("models/seed_tf2.h5")], "empty_overflowing_shape.npy", "over the 4294967296-element limit"),
    ])
    func refusesInOneLine(command: [String], file: String, problem: String) throws {
        let path = Fixtures.path("hostile/zip/" + file)
        let start = ContinuousClock.now
        let result = try layerlens(command + [path])
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("layerlens: error: \(path): ") == true, "\(result.stderr)")
        #expect(result.stderr.contains(problem), "\(result.stderr)")
    }

    /// `eval` of a deflated `.npz` whose `x` inflates to 157 MB peaks within
    /// 64 MiB of its peak on the 1 MB letters sample: the member is streamed a
    /// block at a time, not inflated whole.
    @Test func evalStreamsALargeNpzInConstantMemory() throws {
        let rows = 50_000, width = 784
        let header = NumPyFile.encodeHeader(float32Shape: [rows, width])
        // Element i is i mod 251, as in the .npy fixtures: a 1,004-byte pattern repeated.
        let pattern = (0..<251).map(Float.init).withUnsafeBufferPointer { Data(buffer: $0) }
        let x = ArchiveMember(name: "x.npy", size: header.count + rows * width * 4) { range in
            var bytes = Data(), offset = range.lowerBound
            while offset < range.upperBound {
                let (source, start) = offset < header.count ? (header, offset) : (pattern, (offset - header.count) % pattern.count)
                let end = min(source.count, start + range.upperBound - offset)
                bytes += source[start..<end]
                offset += end - start
            }
            return bytes
        }
        let labels = Tensor(shape: [rows], scalars: (0..<rows).map { Float($0 % 26) })
        let path = try Fixtures.temporaryFolder() + "/large.npz"
        try writeDeflatedArchive([x, ArchiveMember(name: "y.npy", data: NumPyFile.encode(labels))], to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }

        let model = Fixtures.path("models/seed_tf2.h5")
        let small = try layerlensPeakMemory(["eval", model, Fixtures.path("letters/letters_sample.npz"), "--no-report"])
        let large = try layerlensPeakMemory(["eval", model, path, "--no-report"])
        #expect(small.status == 0 && large.status == 0)
        #expect(large.peakBytes - small.peakBytes < 64 << 20,
                "peak \(large.peakBytes >> 20) MiB on 157 MB of rows, \(small.peakBytes >> 20) MiB on 1 MB")
    }
}
