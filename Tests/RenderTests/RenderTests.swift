import Foundation
import ModelGraph
import NumPyFormat
@testable import Render
import Testing
import TestSupport

@Suite struct ColormapTests {
    /// matplotlib's own colormaps sampled at 1,000 points (goldens/colormaps.npz).
    @Test(arguments: [("viridis", Colormap.viridis), ("RdBu_r", Colormap.redBlue)])
    func matchesMatplotlib(name: String, colormap: Colormap) throws {
        let arrays = try NumPyFile.readArchive(Fixtures.path("goldens/colormaps.npz"))
        let x = try #require(arrays["x"]).floats
        let rgba = try #require(arrays[name]).floats
        for (index, t) in x.enumerated() {
            let ours = colormap.color(Double(t))
            let theirs = (Double(rgba[index * 4]), Double(rgba[index * 4 + 1]), Double(rgba[index * 4 + 2]))
            #expect(abs(ours.red - theirs.0) < 1e-6 && abs(ours.green - theirs.1) < 1e-6 && abs(ours.blue - theirs.2) < 1e-6,
                    "\(name) at \(t)")
        }
    }

    @Test func viridisEndpointsAreDarkPurpleAndYellow() {
        let low = Colormap.viridis.color(0), high = Colormap.viridis.color(1)
        #expect(low.blue > 0.3 && low.red < 0.3 && low.green < 0.1)  // #440154
        #expect(high.red > 0.95 && high.green > 0.85 && high.blue < 0.2)  // #fde725
    }
}

/// Values at the ends of float32's range: `high − low` overflows in float32, and
/// must neither trap a conversion to an integer nor turn into NaN.
@Suite struct ExtremeValueTests {
    @Test func greyLevelsSpanTheWholeFloatRange() {
        let rgb = ImagePainter.rgb(values: [-3e38, 0, 3e38], pixels: 3, channels: 1, low: -3e38, high: 3e38)
        #expect(rgb == [0, 0, 0, 128, 128, 128, 255, 255, 255])  // 0 is the middle: 127.5, rounded up
    }

    @Test func histogramCountsBothEnds() {
        let histogram = Histogram([-3e38, 3e38, 3e38, 0], bins: 4, low: -3e38, high: 3e38)
        #expect(histogram.counts == [1, 0, 1, 2])
    }

    @Test func colormapClampsInfinities() {
        #expect(Colormap.viridis.color(.infinity) == Colormap.viridis.color(1))
        #expect(Colormap.viridis.color(-.infinity) == Colormap.viridis.color(0))
    }
}

@Suite struct ActivationMapTests {
    @Test func squareLayoutsOfTheSeedLayers() {
        let sides = [200, 150, 100, 50, 26].map { GridLayout(sampleShape: [$0]) }
        #expect(sides.map(\.rows) == [15, 13, 10, 8, 6])
        #expect(sides.map(\.padding) == [25, 19, 0, 14, 10])
        let output = GridLayout(sampleShape: [26])
        #expect(output.position(of: 15) == (2, 3))  // 'p' is unit 15: row 2, column 3
        #expect(output.unit(row: 5, column: 2) == nil)
    }

    /// One hot unit drawn and read back: it is viridis's yellow, the others its
    /// dark purple, and the padding cells are neither.
    @Test func oneHotUnitAndPaddingReadBack() throws {
        let layout = GridLayout(sampleShape: [50])  // 8×8, 14 padding cells
        var values = [Float](repeating: 0, count: 50)
        values[19] = 3
        let map = ActivationMap(layout: layout, values: values, scale: ColorScale(low: 0, high: 3), cell: 10)
        let canvas = try Canvas(width: 200, height: 100)
        map.draw(on: canvas, x: 10, y: 10)
        func centre(_ row: Int, _ column: Int) -> RGB { canvas.pixel(x: 10 + column * 10 + 5, y: 10 + row * 10 + 5) }
        func close(_ a: RGB, _ b: RGB) -> Bool { abs(a.red - b.red) < 0.01 && abs(a.green - b.green) < 0.01 && abs(a.blue - b.blue) < 0.01 }
        #expect(close(centre(2, 3), Colormap.viridis.color(1)))  // unit 19 = row 2, column 3
        #expect(close(centre(0, 0), Colormap.viridis.color(0)))
        #expect(close(centre(6, 1), Colormap.viridis.color(0)))  // unit 49, the last real unit
        for cell in 50..<64 {
            let pixel = centre(cell / 8, cell % 8)
            let isData = (0..<256).contains { close(pixel, Colormap.viridis.color(Double($0) / 255)) }
            #expect(!isData, "padding cell \(cell) looks like data")
        }
    }

    @Test func outputLabelsSitInTheirUnitsAndTheArgmaxIsOutlined() throws {
        let layout = GridLayout(sampleShape: [26])
        var values = [Float](repeating: 0, count: 26)
        values[15] = 1
        let labels = (0..<26).map { String(UnicodeScalar(97 + $0)!) }
        let map = ActivationMap(layout: layout, values: values, scale: ColorScale(low: 0, high: 1), cell: 30,
                                cellLabels: labels, outlined: 15)
        let canvas = try Canvas(width: 300, height: 220)
        map.draw(on: canvas, x: 0, y: 0)
        // The outline is red, on the border of cell (2, 3).
        let border = canvas.pixel(x: 3 * 30 + 15, y: 2 * 30 + 1)
        #expect(border.red > 0.8 && border.green < 0.3)
        // The label 'p' is drawn in its cell: some pixels in it differ from the cell's colour.
        let fill = canvas.pixel(x: 3 * 30 + 3, y: 2 * 30 + 27)
        let inked = (2..<28).flatMap { dy in (2..<28).map { dx in canvas.pixel(x: 90 + dx, y: 60 + dy) } }.filter { $0 != fill }
        #expect(inked.count > 10)
        // A padding cell holds only its grey hatching: no text, no data colour.
        let padding = (2..<28).flatMap { dy in (2..<28).map { dx in canvas.pixel(x: 4 * 30 + dx, y: 5 * 30 + dy) } }
        #expect(padding.allSatisfy { $0.red == $0.green && $0.green == $0.blue && (0.7...0.94).contains($0.red) })
    }

    @Test func writesAPNG() throws {
        let canvas = try Canvas(width: 10, height: 10)
        let png = try canvas.pngData()
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        do {
            _ = try Canvas(width: 100_000, height: 10)
            Issue.record("a 100000-pixel-wide canvas was made")
        } catch let error as CanvasSizeError {
            #expect((error.width, error.height) == (100_000, 10))
            #expect(error.description == "a 100000×10 picture is too large to draw (at most 32767 pixels a side)")
        }
    }

    /// Channel tiles share one scale: a channel that is hot everywhere is yellow in
    /// every cell, the others purple; only the most active channels are kept.
    @Test func channelTilesShareTheLayerScale() throws {
        let shape = [3, 4, 5]  // H, W, C
        var values = [Float](repeating: 0, count: 60)
        for position in 0..<12 { values[position * 5 + 2] = 10 }  // channel 2 hot
        for position in 0..<12 { values[position * 5 + 4] = 5 }  // channel 4 half
        let tiles = ChannelTiles(values: values, shape: shape, scale: ColorScale(low: 0, high: 10), cell: 10, maxChannels: 3)
        #expect(tiles.shown == [0, 2, 4] || tiles.shown == [1, 2, 4] || tiles.shown == [2, 3, 4])
        #expect(tiles.hidden == 2)
        let canvas = try Canvas(width: 400, height: 200)
        tiles.draw(on: canvas, x: 0, y: 0)
        // Tiles sit in a 2-column grid: channel 2 is the second tile, channel 4 the third.
        let hot = canvas.pixel(x: Int(4 * 10 + ChannelTiles.gap) + 15, y: Int(ChannelTiles.labelHeight) + 15)
        let viridisTop = Colormap.viridis.color(1)
        #expect(abs(hot.red - viridisTop.red) < 0.01 && abs(hot.green - viridisTop.green) < 0.01)
        let half = canvas.pixel(x: 15, y: Int(ChannelTiles.labelHeight + 3 * 10 + ChannelTiles.gap + ChannelTiles.labelHeight) + 15)
        let viridisMiddle = Colormap.viridis.color(0.5)
        #expect(abs(half.green - viridisMiddle.green) < 0.01 && abs(half.blue - viridisMiddle.blue) < 0.01)
    }
}
