import Foundation
import LayerLens
import Testing
import TestSupport

/// A model file that points HDF5 at other files or plugins is refused in one
/// line, and the other files are provably never opened.
@Suite struct HostileFileTests {
    /// `layerlens logits` on each hostile fixture, copied into a fresh folder that
    /// is also the working directory, so that every place HDF5 looks for
    /// `secret.h5` (beside the file for links and virtual datasets, the working
    /// directory for external storage) is that folder. There, `secret.h5` is a
    /// FIFO, and so is `libfilter.so`, which HDF5's plugin search would open
    /// from `HDF5_PLUGIN_PATH` (the folder too) for the unknown filter: a
    /// `FIFOTripwire` sees any process open either for reading. Loaded, the
    /// model would print the other file's bytes as logits for the input given.
    @Test(arguments: HostileHDF5Fixtures.allFiles)
    func refusedWithoutOpeningAnotherFile(file: String, refusal: String) throws {
        let folder = try Fixtures.temporaryFolder()
        let name = URL(fileURLWithPath: file).lastPathComponent
        try FileManager.default.copyItem(atPath: Fixtures.path(file), toPath: folder + "/" + name)
        try NumPyFile.encode(Tensor(shape: [1, 30, 4], repeating: 1)).write(to: URL(fileURLWithPath: folder + "/input.npy"))
        let tripwire = try FIFOTripwire(paths: [folder + "/" + HostileHDF5Fixtures.otherFileName, folder + "/libfilter.so"])
        let (result, opened) = try tripwire.watch {
            try layerlens(["logits", name, "input.npy"], in: folder, environment: ["HDF5_PLUGIN_PATH": folder])
        }
        #expect(opened.isEmpty, "opened \(opened)")
        #expect(result.status == 1)
        #expect(result.stderr == "layerlens: error: \(name): \(refusal)\n")
        #expect(result.stdout.isEmpty)
    }
}
