import CCairo
import COpenBLAS
import CPNG
import CTurboJPEG
import Foundation
import Synchronization
import Testing

/// The C libraries LayerLens links are installed, linkable and new enough.
@Suite struct SystemLibrariesTests {
    @Test func cairoDrawsIntoAnImageSurface() {
        #expect(cairo_version() >= 11600)  // Cairo 1.16, Debian 12's
        let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 4, 4)
        defer { cairo_surface_destroy(surface) }
        let context = cairo_create(surface)
        cairo_set_source_rgb(context, 1, 0, 0)
        cairo_paint(context)
        cairo_destroy(context)
        cairo_surface_flush(surface)
        let pixel = cairo_image_surface_get_data(surface)!.withMemoryRebound(to: UInt32.self, capacity: 1) { $0.pointee }
        #expect(pixel == 0xFFFF_0000)
    }

    @Test func libpngHasTheSimplifiedAPI() {
        #expect(png_access_version_number() >= 10600)
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let bytes: [UInt8] = [1, 2, 3]
        #expect(png_image_begin_read_from_memory(&image, bytes, bytes.count) == 0)  // not a PNG: refused, not crashed
        png_image_free(&image)
    }

    @Test func turboJPEGDecompressorStarts() {
        let handle = tjInitDecompress()
        #expect(handle != nil)
        tjDestroy(handle)
    }

    /// Two threads calling sgemm at once, with OpenBLAS on one thread as the tracer
    /// sets it, get the same products as one alone: the tracer's chunks do this.
    /// (Debian's single-threaded OpenBLAS, built without locking, gave a few wrong
    /// products in a few thousand.)
    @Test func openBLASIsSafeToCallFromTwoThreadsAtOnce() {
        openblas_set_num_threads(1)
        _ = blas_thread_shutdown_()
        #expect(openblas_get_num_threads() == 1)
        let (rows, inner, columns) = (32, 784, 100)
        let a: [[Float]] = (0..<2).map { (seed: Int) -> [Float] in
            (0..<(rows * inner)).map { (index: Int) -> Float in Float((index * 7 + seed * 13) % 17) / 17 }
        }
        let b: [Float] = (0..<(inner * columns)).map { (index: Int) -> Float in Float((index * 5) % 11) / 11 - 0.5 }
        @Sendable func product(_ a: [Float]) -> [Float] {
            var c = [Float](repeating: 0, count: rows * columns)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(columns), Int32(inner),
                        1, a, Int32(inner), b, Int32(columns), 0, &c, Int32(columns))
            return c
        }
        let expected = a.map(product)
        let wrong = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 2) { thread in
            for _ in 0..<1500 where product(a[thread]) != expected[thread] { wrong.withLock { $0 += 1 } }
        }
        #expect(wrong.withLock { $0 } == 0)
    }

    @Test func openBLASMultipliesMatrices() {
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [5, 6, 7, 8]
        var c = [Float](repeating: 0, count: 4)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1, a, 2, b, 2, 0, &c, 2)
        #expect(c == [19, 22, 43, 50])
    }
}
