import Foundation
import LayerLens
import Testing
import TestSupport

/// The HTML reports opened in headless Chromium and used as a person would:
/// the layer list, the search box, hovering a unit, zoom, the connection
/// links, and no console errors. Values read off the page are checked against
/// `layerlens trace --dump`.
@Suite(.serialized) struct HTMLReportBrowserTests {
    let cnn = Fixtures.path("models/cnn_tf2.h5")
    let photo = Fixtures.path("images/photo_x.jpg")
    let pipeline = "gray,resize=28x28:area,invert"

    @Test func traceReportOfACNNListsEveryLayerAndReadsExactValuesUnderThePointer() async throws {
        let folder = try Fixtures.temporaryFolder()
        let result = try layerlens(["trace", cnn, photo, "--preprocess", pipeline, "--labels", "A-Z", "-o", folder + "/cnn.html", "--dump", folder + "/dump"])
        try #require(result.status == 0, "\(result.stderr)")
        let model = try loadModel(at: cnn)
        let dump = try Dump(folder + "/dump")
        try await Browser.with { browser in
            try await load(folder + "/cnn.html", in: browser)
            #expect(try await listedLayerNames(browser) == model.nodes.map(\.name))
            #expect(try await browser.execute("return document.querySelectorAll('section.layer').length;") as? Int == model.nodes.count)

            // A channel of a conv layer (13×13×32): channel 7, row 5, column 9, exact float32.
            let conv = try #require(model.nodes.firstIndex { $0.name == "conv2d_1" })
            let readout = try await hover(browser, layer: conv, shape: model.nodes[conv].outputShape, channel: 7, row: 5, column: 9)
            let expected = try dump.values(conv)[(5 * 13 + 9) * 32 + 7]
            #expect(readout.text.contains("channel 7 · row 5, column 9"), "\(readout.text)")
            #expect(readout.value == expected, "\(readout.text)")

            // The output layer (26 units in a 6×6 square): unit 23 is X; unit 30 is padding.
            let output = model.nodes.count - 1
            let unit = try await hover(browser, layer: output, shape: [26], unit: 23)
            #expect(unit.value == (try dump.values(output)[23]))
            #expect(unit.text.contains("unit 23 (X)"), "\(unit.text)")
            let padding = try await hover(browser, layer: output, shape: [26], unit: 30)
            #expect(padding.text.contains("padding") && padding.value == nil, "\(padding.text)")

            try await expectZoomChangesTheDisplayedSize(browser, layer: conv)
            try await saveScreenshot(browser, as: "trace_cnn.png")
            try await expectNoConsoleErrors(browser)
        }
    }

    @Test func traceReportOfAResNetGroupsBlocksFiltersTheListAndLinksEveryConnection() async throws {
        let folder = try Fixtures.temporaryFolder()
        let modelPath = Fixtures.path("applications/resnet50_k3.keras")
        let model = try loadModel(at: modelPath)
        let input = folder + "/input.npy"
        let count = model.inputShape.reduce(1, *)
        try NumPyFile.encode(Tensor(shape: model.inputShape, scalars: (0..<count).map { Float(($0 * 37) % 255) - 110 })).write(to: URL(fileURLWithPath: input))
        let result = try layerlens(["trace", modelPath, input, "-o", folder + "/resnet.html", "--dump", folder + "/dump"])
        try #require(result.status == 0, "\(result.stderr)")
        let dump = try Dump(folder + "/dump")
        try await Browser.with { browser in
            try await load(folder + "/resnet.html", in: browser)
            let names = model.nodes.map(\.name)
            #expect(try await listedLayerNames(browser) == names)
            let groups = try await browser.execute("return Array.from(document.querySelectorAll('.group-title')).map(g => g.firstChild.textContent);") as? [String]
            #expect(groups == model.layerGroups.map(\.title))
            #expect(groups?.contains("conv2_block1") == true)

            // Typing in the search box filters the list to the matching layers.
            try await browser.type("block1_2", into: "#layer-search")
            let shown = try await browser.execute("""
                return Array.from(document.querySelectorAll('.layer-link')).filter(a => a.offsetParent !== null).map(a => a.dataset.name);
                """) as? [String]
            #expect(shown == names.filter { $0.contains("block1_2") })
            #expect(try await browser.execute("return document.getElementById('layer-count').textContent;") as? String
                == "\(names.filter { $0.contains("block1_2") }.count) of \(names.count) layers")

            // Every connection names the node's inputs, each a link to a section that exists.
            let connections = try await browser.execute("""
                return Array.from(document.querySelectorAll('section.layer')).map(section =>
                  Array.from(section.querySelectorAll('.connections a')).map(a => [a.textContent, document.getElementById(a.getAttribute('href').slice(1)) !== null]));
                """) as? [[[Any]]]
            #expect(connections?.map { $0.map { $0[0] as? String ?? "" } } == model.nodes.map { $0.inputs.map(model.name(of:)) })
            #expect(connections?.allSatisfy { $0.allSatisfy { $0[1] as? Bool == true } } == true)

            // A merge's value under the pointer.
            let add = try #require(model.nodes.firstIndex { $0.name == "conv3_block1_add" })
            let shape = model.nodes[add].outputShape
            let readout = try await hover(browser, layer: add, shape: shape, channel: 10, row: 3, column: 1)
            #expect(readout.value == (try dump.values(add)[(3 * shape[1] + 1) * shape[2] + 10]), "\(readout.text)")
            try await saveScreenshot(browser, as: "trace_resnet_search.png")
            try await expectNoConsoleErrors(browser)
        }
    }

    @Test func quantisedMapsReadWithinHalfAStepAndShowNaNInMagenta() async throws {
        let folder = try Fixtures.temporaryFolder()
        // A 28×28 input with one NaN pixel: the NaN spreads through the convolutions.
        var pixels = (0..<784).map { Float(($0 * 7) % 256) }
        pixels[14 * 28 + 14] = .nan
        let input = folder + "/nan.npy"
        try NumPyFile.encode(Tensor(shape: [28, 28, 1], scalars: pixels)).write(to: URL(fileURLWithPath: input))
        let result = try layerlens(["trace", cnn, input, "--dump", folder + "/dump", "--no-report"])
        try #require(result.status == 0, "\(result.stderr)")
        let dump = try Dump(folder + "/dump")
        let model = try loadModel(at: cnn)
        let prepared = try loadInput(input, for: model)
        let trace = try Tracer.trace(model, input: prepared.tensor)
        let content = TraceReportContent(modelPath: cnn, model: model, input: prepared, groundTruth: nil)
        // Layers of more than 1,000 values go in 8 bits.
        let html = try TraceHTMLReport.render(content, trace: trace, prediction: Prediction(trace: trace, model: model),
                                              options: HTMLReportOptions(exactLimit: 1000))
        try html.write(to: URL(fileURLWithPath: folder + "/quantised.html"))

        let conv = try #require(model.nodes.firstIndex { $0.name == "conv2d" })
        let shape = model.nodes[conv].outputShape  // 26×26×16
        let values = try dump.values(conv)
        let finite = values.filter(\.isFinite)
        let halfStep = Double(finite.max()! - finite.min()!) / 254 / 2
        try await Browser.with { browser in
            try await load(folder + "/quantised.html", in: browser)
            let readout = try await hover(browser, layer: conv, shape: shape, channel: 3, row: 2, column: 20)
            let expected = values[(2 * 26 + 20) * 16 + 3]
            let value = try #require(readout.value)
            #expect(expected.isFinite && abs(Double(value) - Double(expected)) <= halfStep * 1.0001, "\(readout.text) vs \(expected)")
            #expect(abs((readout.halfStep ?? 0) - halfStep) <= halfStep * 1e-5, "\(readout.text)")
            #expect(readout.text.contains("±"), "\(readout.text)")

            // The input's NaN at (14, 14) reaches conv2d's (13, 13) in every channel.
            #expect(values[(13 * 26 + 13) * 16 + 5].isNaN)
            let nan = try await hover(browser, layer: conv, shape: shape, channel: 5, row: 13, column: 13)
            #expect(nan.text.hasSuffix(": NaN"), "\(nan.text)")
            let colour = try await browser.execute("""
                const canvas = document.querySelector('#layer-\(conv) canvas.values');
                return Array.from(canvas.getContext('2d').getImageData(arguments[0], arguments[1], 1, 1).data.slice(0, 3));
                """, [pixelPosition(shape: shape, channel: 5, row: 13, column: 13).x, pixelPosition(shape: shape, channel: 5, row: 13, column: 13).y]) as? [Int]
            #expect(colour == [255, 0, 255])
            try await expectNoConsoleErrors(browser)
        }
    }

    @Test func diffReportListsEveryLayerWithABAndBMinusAMaps() async throws {
        let folder = try Fixtures.temporaryFolder()
        let result = try layerlens(["diff", cnn, photo, photo, "--labels", "A-Z", "--preprocess-a", pipeline,
                                    "--preprocess-b", pipeline + ",contrast=25:50", "-o", folder + "/diff.html"])
        try #require(result.status == 0, "\(result.stderr)")
        let model = try loadModel(at: cnn)
        try await Browser.with { browser in
            try await load(folder + "/diff.html", in: browser)
            #expect(try await listedLayerNames(browser) == model.nodes.map(\.name))
            let titles = try await browser.execute("""
                return Array.from(document.querySelectorAll('section.layer')).map(s => Array.from(s.querySelectorAll('figure.map figcaption')).map(c => c.firstChild.textContent.trim()));
                """) as? [[String]]
            #expect(titles?.count == model.nodes.count)
            #expect(titles?.allSatisfy { $0 == ["A", "B", "B − A"] } == true, "\(String(describing: titles))")
            // The inputs' B − A beside the four input panels: an image of the model input's size, its scale and count below.
            let difference = try await browser.execute("""
                const panel = document.querySelector('#inputs #input-difference');
                if (!panel) return null;
                const image = panel.querySelector('img');
                return [panel.querySelector('figcaption').textContent, image.complete ? image.naturalWidth : -1, panel.querySelector('p').textContent];
                """) as? [Any]
            #expect(difference?.first as? String == "model input B − A")
            #expect(difference?.dropFirst().first as? Int == 28)
            #expect((difference?.last as? String)?.contains("values differ") == true)
            try await browser.execute("document.getElementById('layer-1').scrollIntoView();")
            try await browser.wait(until: "document.querySelectorAll('#layer-1 figure.map[data-drawn=\"true\"]').length === 3")
            try await saveScreenshot(browser, as: "diff_cnn.png")
            try await expectNoConsoleErrors(browser)
        }
    }

    @Test func evalReportListsEveryLayerWithTheConfusionMatrix() async throws {
        let folder = try Fixtures.temporaryFolder()
        let result = try layerlens(["eval", cnn, Fixtures.path("letters/letters_sample.csv"), "--labels", "A-Z", "-o", folder + "/eval.html"])
        try #require(result.status == 0, "\(result.stderr)")
        let model = try loadModel(at: cnn)
        try await Browser.with { browser in
            try await load(folder + "/eval.html", in: browser)
            #expect(try await listedLayerNames(browser) == model.nodes.map(\.name))
            #expect(try await browser.execute("return document.querySelectorAll('table.confusion tbody tr').length;") as? Int == 26)
            #expect(try await browser.execute("return document.querySelectorAll('section.layer').length;") as? Int == model.nodes.count)
            try await browser.execute("document.getElementById('layer-8').scrollIntoView();")
            try await browser.wait(until: "document.querySelectorAll('#layer-8 figure.map[data-drawn=\"true\"]').length >= 3")
            try await saveScreenshot(browser, as: "eval_cnn.png")
            try await expectNoConsoleErrors(browser)
        }
    }

    @Test func theConsoleCheckSeesErrors() async throws {
        let folder = try Fixtures.temporaryFolder()
        let page = folder + "/error.html"
        try Data("<!DOCTYPE html><body><script>console.error('deliberate'); undefinedFunction();</script></body>".utf8).write(to: URL(fileURLWithPath: page))
        try await Browser.with { browser in
            try await browser.open(URL(fileURLWithPath: page))
            let severe = try await browser.consoleLog().filter { $0.level == "SEVERE" }
            #expect(severe.count == 2, "\(severe)")
        }
    }

    // MARK: - Helpers

    /// Opens a report and waits for its script to have set the page up.
    func load(_ path: String, in browser: Browser) async throws {
        try await browser.open(URL(fileURLWithPath: path))
        try await browser.wait(until: "document.body.dataset.ready === 'true'")
    }

    /// The layer list's entries, by full name, in page order.
    func listedLayerNames(_ browser: Browser) async throws -> [String]? {
        try await browser.execute("return Array.from(document.querySelectorAll('.layer-link')).map(a => a.dataset.name);") as? [String]
    }

    /// Where a value sits on its map's canvas by the PNG report's layout: an
    /// `[H, W, C]` map as ⌈√C⌉ tiles a row with a 1-pixel gap (none for tiles under
    /// 4 pixels), a vector as a ⌈√n⌉ square of 4-pixel cells (1-pixel past 64 a side).
    func pixelPosition(shape: [Int], channel: Int = 0, row: Int = 0, column: Int = 0, unit: Int? = nil) -> (x: Int, y: Int, width: Int, height: Int) {
        if shape.count == 3 {
            let (height, width, channels) = (shape[0], shape[1], shape[2])
            let columns = Int(Double(channels).squareRoot().rounded(.up)), rows = (channels + columns - 1) / columns
            let gap = min(height, width) >= 4 ? 1 : 0
            return ((channel % columns) * (width + gap) + column, (channel / columns) * (height + gap) + row,
                    columns * (width + gap) - gap, rows * (height + gap) - gap)
        }
        let units = shape.reduce(1, *), side = Int(Double(units).squareRoot().rounded(.up)), cell = side <= 64 ? 4 : 1
        let unit = unit ?? 0
        return ((unit % side) * cell + cell / 2, (unit / side) * cell + cell / 2, side * cell, side * cell)
    }

    /// What the read-out says with the pointer on one value: its text, and the
    /// value and half step it carries in its data attributes.
    struct Readout {
        let text: String
        let value: Float?
        let halfStep: Double?
    }

    /// Scrolls layer `layer`'s map into view, waits for it to be drawn, zooms in
    /// until a cell is at least 4 CSS pixels, moves the pointer onto the value and
    /// returns the read-out.
    func hover(_ browser: Browser, layer: Int, shape: [Int], channel: Int = 0, row: Int = 0, column: Int = 0, unit: Int? = nil) async throws -> Readout {
        let figure = "#layer-\(layer) figure.map"
        try await browser.execute("document.querySelector(arguments[0]).scrollIntoView({block: 'center'});", [figure])
        try await browser.wait(until: "document.querySelector('\(figure)').dataset.drawn === 'true'")
        let position = pixelPosition(shape: shape, channel: channel, row: row, column: column, unit: unit)
        let size = try await browser.execute("const c = document.querySelector(arguments[0] + ' canvas.values'); return [c.width, c.height];", [figure]) as? [Int]
        #expect(size == [position.width, position.height], "the canvas of layer \(layer) is not laid out as the PNG report's")
        while try await browser.execute("const c = document.querySelector(arguments[0] + ' canvas.values'); return c.getBoundingClientRect().width / c.width;",
                                        [figure]) as? Double ?? 0 < 4 {
            try await browser.click("#layer-\(layer) button[data-zoom-step='in']")
        }
        try await browser.execute("document.querySelector(arguments[0] + ' canvas.values').scrollIntoView({block: 'center', inline: 'nearest'});", [figure])
        let rect = try #require(try await browser.execute("""
            const c = document.querySelector(arguments[0] + ' canvas.values'); const r = c.getBoundingClientRect();
            return [r.left, r.top, r.width / c.width, r.height / c.height];
            """, [figure]) as? [Double])
        let inCell = unit == nil ? 0.5 : 0.0  // grid positions are already cell centres
        try await browser.movePointer(x: Int((rect[0] + (Double(position.x) + inCell) * rect[2]).rounded(.down)),
                                      y: Int((rect[1] + (Double(position.y) + inCell) * rect[3]).rounded(.down)))
        let readout = try #require(try await browser.execute("""
            const r = document.querySelector(arguments[0] + ' .readout'); return [r.textContent, r.dataset.value || null, r.dataset.halfStep || null];
            """, [figure.replacingOccurrences(of: " figure.map", with: "")]) as? [Any])
        return Readout(text: readout[0] as? String ?? "", value: (readout[1] as? String).flatMap(Double.init).map(Float.init),
                       halfStep: (readout[2] as? String).flatMap(Double.init))
    }

    /// The zoom buttons double and halve the map's displayed size.
    func expectZoomChangesTheDisplayedSize(_ browser: Browser, layer: Int) async throws {
        let width = "return document.querySelector('#layer-\(layer) canvas.values').getBoundingClientRect().width;"
        let before = try #require(try await browser.execute(width) as? Double)
        try await browser.click("#layer-\(layer) button[data-zoom-step='in']")
        #expect(try await browser.execute(width) as? Double == before * 2)
        try await browser.click("#layer-\(layer) button[data-zoom-step='out']")
        try await browser.click("#layer-\(layer) button[data-zoom-step='out']")
        #expect(try await browser.execute(width) as? Double == before / 2)
    }

    /// No console error and no uncaught exception since the page was opened.
    func expectNoConsoleErrors(_ browser: Browser) async throws {
        let severe = try await browser.consoleLog().filter { $0.level == "SEVERE" }
        #expect(severe.isEmpty, "console errors: \(severe.map(\.message))")
    }

    /// Saves a screenshot of the viewport under the temporary folder's `layerlens-browser-shots/`.
    func saveScreenshot(_ browser: Browser, as name: String) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("layerlens-browser-shots")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try await browser.screenshot().write(to: folder.appendingPathComponent(name))
    }
}

/// The layer outputs `layerlens trace --dump` wrote, by layer index.
struct Dump {
    let folder: String
    let files: [String]

    init(_ folder: String) throws {
        self.folder = folder
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json"))) as? [String: Any]
        files = (manifest?["layers"] as? [[String: Any]] ?? []).map { $0["file"] as? String ?? "" }
    }

    /// Sample 0 of layer `index`'s output, in the model's order (HWC for maps).
    func values(_ index: Int) throws -> [Float] {
        try NumPyFile.read(folder + "/" + files[index]).tensor.scalars(ofSample: 0)
    }
}
