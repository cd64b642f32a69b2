import Foundation
import InputPipeline
import ModelGraph
import Render
import Trace

/// One layer of an HTML report: its title, what is said about it, its
/// connections and its maps.
struct HTMLLayer: Sendable {
    /// An input of the layer: its name and the anchor it links to.
    struct Link: Sendable {
        let name: String
        let anchor: String
    }

    let index: Int
    let name: String
    let className: String
    /// Lines under the title (class, shape, min/max, metrics).
    let lines: [String]
    /// Said in red when something is wrong (NaN, dead units).
    let alert: String?
    /// What the layer takes, or nil when the report does not know the graph.
    let inputs: [Link]?
    let maps: [HTMLMap]

    /// The anchor of layer `index`.
    static func anchor(_ index: Int) -> String { "layer-\(index)" }

    /// The links to what a model's node takes: other nodes, or the inputs panel.
    static func inputs(of node: Node, in model: Model) -> [Link] {
        node.inputs.map { source in
            switch source {
            case let .node(index): Link(name: model.name(of: source), anchor: anchor(index))
            case .input: Link(name: model.name(of: source), anchor: "inputs")
            }
        }
    }
}

/// The pieces of an HTML report page and the one self-contained document they
/// make: inline CSS and script, images as data URIs, no network.
struct HTMLPage {
    /// The report kind, for the page's title and script: `trace`, `diff`, `eval`.
    let kind: String
    let title: String
    /// The sections above the layers, in order.
    var sections: [String] = []

    /// `text` with `&`, `<`, `>` and quotes escaped.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// The header: the report's lines, the first as the page heading, large bold ones as verdicts.
    static func header(_ lines: [ReportParts.Line]) -> String {
        let body = lines.enumerated().map { index, line -> String in
            if index == 0 { return "<h1>\(escape(line.text))</h1>" }
            let warning = line.color.red > 0.5 && line.color.green < 0.3
            let classes = [line.size >= 17 ? "verdict" : nil, warning ? "warning" : nil].compactMap { $0 }
            return "<p" + (classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\"") + ">\(escape(line.text))</p>"
        }
        return "<header id=\"top\">\(body.joined())</header>"
    }

    /// An image panel: the raster as a PNG data URI (large photos shrunk by area
    /// averaging, small inputs enlarged crisply), its shape, nominal range and statistics.
    static func imagePanel(_ title: String, _ raster: Raster, box: Int = 224) throws -> String {
        var shown = raster
        let longest = max(raster.width, raster.height)
        if longest > 2 * box {
            let scale = Double(2 * box) / Double(longest)
            shown = raster.resized(width: max(1, Int(Double(raster.width) * scale)), height: max(1, Int(Double(raster.height) * scale)), method: .area)
        }
        let scale = Double(box) / Double(max(shown.width, shown.height))
        let statistics = raster.statistics
        let shape = raster.shape.map(String.init).joined(separator: "×")
        let nonFinite = statistics.nonFiniteCount > 0 ? " · \(statistics.nonFiniteCount) NaN/inf (magenta)" : ""
        return """
            <figure class="input-panel"><figcaption>\(escape(title))</figcaption>\
            <img alt="\(escape(title))" src="\(try pngDataURI(shown))" \
            style="width:\(Int(Double(shown.width) * scale))px;height:\(Int(Double(shown.height) * scale))px">\
            <p>\(shape) · range \(rangeDescription(raster.range))</p>\
            <p class="secondary\(nonFinite.isEmpty ? "" : " warning")">min \(formatNumber(statistics.min)) · max \(formatNumber(statistics.max)) · \
            mean \(formatNumber(Float(statistics.mean)))\(nonFinite)</p></figure>
            """
    }

    /// A raster as a PNG data URI, its nominal range black to white, NaN and infinite pixels magenta.
    static func pngDataURI(_ raster: Raster) throws -> String {
        let rgb = ImagePainter.rgb(values: raster.values, pixels: raster.width * raster.height, channels: raster.channels,
                                   low: raster.range.lowerBound, high: raster.range.upperBound)
        return "data:image/png;base64," + (try encodePNG(rgb: rgb, width: raster.width, height: raster.height)).base64EncodedString()
    }

    /// The input panels in one section, with the warnings under them.
    static func inputs(_ panels: [(title: String, raster: Raster)], warnings: [String]) throws -> String {
        let figures = try panels.map { try imagePanel($0.title, $0.raster) }.joined()
        return "<section id=\"inputs\"><h2>Inputs</h2><div class=\"panels\">\(figures)</div>"
            + warnings.map { "<p class=\"warning\">\(escape($0))</p>" }.joined() + "</section>"
    }

    /// A bar chart: one row per item, a label, a bar `fraction` of the width and a caption.
    static func bars(_ title: String, rows: [(label: String, fraction: Double, caption: String)], id: String? = nil) -> String {
        let body = rows.enumerated().map { index, row in
            let width = row.fraction.isFinite ? min(max(row.fraction, 0), 1) * 100 : 0
            return "<tr\(index == 0 ? " class=\"first\"" : "")><th>\(escape(row.label))</th><td class=\"bar-cell\"><div class=\"bar\" style=\"width:"
                + String(format: "%.2f", width) + "%\"></div></td><td>\(escape(row.caption))</td></tr>"
        }
        return "<figure class=\"bars\"\(id.map { " id=\"\($0)\"" } ?? "")><figcaption>\(escape(title))</figcaption><table>\(body.joined())</table></figure>"
    }

    /// The top-k bars of a prediction, as the PNG report's chart.
    static func topK(_ prediction: Prediction, top: Int, title: String? = nil) -> String {
        let count = min(top, prediction.probabilities.count)
        let heading = title ?? (prediction.kind == .sigmoid ? "Top \(count): sigmoid outputs (independent, need not sum to 1)"
                                                            : "Top \(count): \(ReportParts.kindText(prediction.kind))")
        return bars(heading, rows: prediction.top(top).map { score in
            (score.label, Double(score.probability),
             ReportParts.percent(score.probability) + (score.logit.map { "  (logit \(formatNumber($0)))" } ?? ""))
        })
    }

    /// The navigable layer list: a search box, then each group's title and its
    /// members by short name, each a link to the layer's section.
    static func layerList(_ layers: [HTMLLayer], groups: [LayerGroup]) -> String {
        let items = groups.map { group -> String in
            let members = group.nodes.map { index -> String in
                let layer = layers[index]
                return "<li><a class=\"layer-link\" href=\"#\(HTMLLayer.anchor(index))\" data-index=\"\(index)\" data-name=\"\(escape(layer.name))\" "
                    + "data-class=\"\(escape(layer.className))\" title=\"#\(index) \(escape(layer.name)) (\(escape(layer.className)))\">"
                    + "<span class=\"index\">\(index)</span> \(escape(group.shortName(of: layer.name)))"
                    + (layer.alert == nil ? "" : " <span class=\"alert-dot\" title=\"\(escape(layer.alert ?? ""))\">●</span>") + "</a></li>"
            }
            return "<li class=\"group\"><div class=\"group-title\">\(escape(group.title))<span class=\"count\">\(group.nodes.count)</span></div>"
                + "<ul>\(members.joined())</ul></li>"
        }
        return """
            <nav id="layer-nav"><div class="nav-head"><a href="#top" class="home">LayerLens</a>\
            <input id="layer-search" type="search" placeholder="Filter layers: name or class" autocomplete="off" aria-label="Filter layers">\
            <p id="layer-count">\(layers.count) layers</p></div>\
            <ul id="layer-list">\(items.joined())</ul></nav>
            """
    }

    /// One layer's section; its maps get the ids from `firstMap` on.
    static func layerSection(_ layer: HTMLLayer, group: LayerGroup, firstMap: Int) -> String {
        var html = "<section class=\"layer\" id=\"\(HTMLLayer.anchor(layer.index))\" data-index=\"\(layer.index)\" data-name=\"\(escape(layer.name))\">"
        html += "<h3><span class=\"index\">#\(layer.index)</span> \(escape(layer.name))"
            + (group.isNamed ? " <span class=\"group-tag\">\(escape(group.title))</span>" : "") + "</h3>"
        for (index, line) in layer.lines.enumerated() {
            html += "<p class=\"\(index == 0 ? "meta" : "secondary")\">\(escape(line))</p>"
        }
        if let alert = layer.alert { html += "<p class=\"warning\">\(escape(alert))</p>" }
        if let inputs = layer.inputs {
            let links = inputs.map { "<a class=\"input-link\" href=\"#\($0.anchor)\">\(escape($0.name))</a>" }
            html += "<p class=\"connections\">\(escape(layer.name)) ← \(links.isEmpty ? "nothing" : links.joined(separator: ", "))</p>"
        }
        html += "<div class=\"maps\">"
        for (offset, map) in layer.maps.enumerated() { html += figure(map, id: firstMap + offset) }
        return html + "</div></section>"
    }

    /// A map's figure: title, zoom buttons, the canvas (drawn lazily by the
    /// script), its colour bar and the hover read-out.
    static func figure(_ map: HTMLMap, id: Int) -> String {
        let size = map.layout.pixelSize
        let zoom = defaultZoom(width: size.width, height: size.height)
        let quantised = map.encoding == "u8" ? " <span class=\"quantised\">8-bit</span>" : ""
        return """
            <figure class="map" data-map="\(id)" data-zoom="\(zoom)"><figcaption>\(escape(map.title))\(quantised)</figcaption>\
            <div class="zoom"><button type="button" data-zoom-step="out" title="Zoom out">−</button>\
            <button type="button" data-zoom-step="in" title="Zoom in">+</button>\
            <button type="button" data-zoom-step="reset" title="Default size">fit</button><span class="zoom-level"></span></div>\
            <div class="viewport"><canvas class="values" width="\(size.width)" height="\(size.height)" \
            style="width:\(cssPixels(size.width, zoom))px;height:\(cssPixels(size.height, zoom))px"></canvas></div>\
            <div class="colorbar"><canvas width="256" height="1"></canvas><span class="low">\(formatNumber(map.low))</span>\
            <span class="high">\(formatNumber(map.high))</span></div>\
            <p class="readout">Point at the map to read a value.</p></figure>
            """
    }

    /// The zoom a map first shows at: the largest power of two that keeps it within 400 × 600 CSS pixels
    /// (640 × 800 for a map that must shrink), at least 1/8.
    static func defaultZoom(width: Int, height: Int) -> Double {
        var zoom = 32.0
        while zoom > 1, Double(width) * zoom > 400 || Double(height) * zoom > 600 { zoom /= 2 }
        while zoom > 0.125, Double(width) * zoom > 640 || Double(height) * zoom > 800 { zoom /= 2 }
        return zoom
    }

    static func cssPixels(_ pixels: Int, _ zoom: Double) -> String { String(format: "%g", Double(pixels) * zoom) }

    /// The whole document: the sections, the layer list and every layer's
    /// section, the maps' descriptions as JSON and their data, one script
    /// element each, read when a map is first drawn.
    func document(layers: [HTMLLayer], groups: [LayerGroup]) throws -> Data {
        var out = Data()
        func write(_ text: String) { out.append(contentsOf: text.utf8) }
        write("""
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8">\
            <meta name="viewport" content="width=device-width, initial-scale=1">\
            <title>\(Self.escape(title))</title><style>\(HTMLTemplate.css)</style></head>\
            <body data-report="\(kind)">
            """)
        write(Self.layerList(layers, groups: groups))
        write("<main>")
        sections.forEach(write)
        write("<section id=\"layers\"><h2>Layers (\(layers.count))</h2>")
        let groupOf = groups.flatMap { group in group.nodes.map { _ in group } }
        var maps: [HTMLMap] = []
        for layer in layers {
            write(Self.layerSection(layer, group: groupOf[layer.index], firstMap: maps.count))
            maps += layer.maps
        }
        write("</section></main>")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]  // the same trace gives the same bytes
        let description = HTMLReportData(kind: kind, colormaps: [
            "viridis": Data(Colormap.viridis.rgbBytes).base64EncodedString(),
            "redBlue": Data(Colormap.redBlue.rgbBytes).base64EncodedString(),
        ], maps: maps)
        let json = String(decoding: try encoder.encode(description), as: UTF8.self).replacingOccurrences(of: "<", with: "\\u003c")
        write("<script type=\"application/json\" id=\"layerlens-data\">\(json)</script>")
        for (id, map) in maps.enumerated() {
            write("<script type=\"text/plain\" id=\"map-data-\(id)\">")
            write(map.data)
            write("</script>")
        }
        write("<script>\(HTMLTemplate.script)</script></body></html>")
        return out
    }
}

/// The JSON the page's script reads: the colour tables (768 bytes each, base64)
/// and every map's description (its data sits in `map-data-<id>`).
private struct HTMLReportData: Encodable {
    let kind: String
    let colormaps: [String: String]
    let maps: [HTMLMap]
}
