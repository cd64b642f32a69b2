import Foundation
import ModelGraph
import Render

/// What the overview shows of one layer: a small picture, a caption, and marks.
struct OverviewTile {
    /// The layer's main picture (a map's channel mean, a vector's square).
    let main: (values: [Float], layout: GridLayout)
    /// Its most active channels, drawn small under the main picture.
    let strip: [(values: [Float], layout: GridLayout)]
    /// Whether each picture is coloured over ±its largest magnitude rather than its min..max.
    let centredOnZero: Bool
    let colormap: Colormap
    /// The second caption line (shape or a metric).
    let note: String
    /// Drawn in red instead of the note: what is wrong with the layer.
    let alert: String?

    /// The tile of one sample's `values` of shape `sampleShape`: a map
    /// (`[H, W, C]`) shows its mean over channels and its three most active
    /// channels; anything else its units in the square layout. Each picture is
    /// coloured over its own min..max, or, `centredOnZero`, its own ±max.
    init(values: [Float], sampleShape: [Int], note: String, alert: String? = nil, centredOnZero: Bool = false, colormap: Colormap = .viridis) {
        if sampleShape.count == 3, sampleShape[2] > 1 {
            let (height, width, channels) = (sampleShape[0], sampleShape[1], sampleShape[2])
            let positions = height * width
            var mean = [Float](repeating: 0, count: positions)
            var activity = [Double](repeating: 0, count: channels)
            for position in 0..<positions {
                var sum = 0.0
                for channel in 0..<channels {
                    let value = values[position * channels + channel]
                    sum += Double(value)
                    activity[channel] += Double(abs(value))
                }
                mean[position] = Float(sum / Double(channels))
            }
            let layout = GridLayout(sampleShape: [height, width])
            let top = (0..<channels).sorted { activity[$0] != activity[$1] ? activity[$0] > activity[$1] : $0 < $1 }.prefix(3)
            main = (mean, layout)
            strip = top.map { channel in ((0..<positions).map { values[$0 * channels + channel] }, layout) }
        } else {
            main = (values, GridLayout(sampleShape: sampleShape.count == 3 ? Array(sampleShape.prefix(2)) : sampleShape))
            strip = []
        }
        self.note = note
        self.alert = alert
        self.centredOnZero = centredOnZero
        self.colormap = colormap
    }
}

/// Every layer of a model, small, grouped by the model's own structure
/// (`Model.layerGroups`) and in model order: groups flow left to right and
/// down like text, so the path from input to output is the reading order.
/// Each tile is captioned with its index and short name; a layer taking
/// inputs other than the one before it says which (`← 12, 15`). The tile size
/// is the largest that keeps the overview within a height budget.
struct NetworkOverview {
    /// Every layer's name, in model order.
    let names: [String]
    let groups: [LayerGroup]
    /// Per layer, the inputs of one that takes more than the layer before it
    /// (`← 12,15`); empty for the others.
    let takes: [String]
    let tiles: [OverviewTile]
    /// Layers drawn in full further down, marked in the overview.
    let detailed: Set<Int>
    let width: Double

    /// The overview of a model's graph.
    init(model: Model, tiles: [OverviewTile], detailed: Set<Int>, width: Double) {
        names = model.nodes.map(\.name)
        groups = model.layerGroups
        takes = model.nodes.enumerated().map { index, node in
            node.inputs == [index == 0 ? .input(0) : .node(index - 1)] ? ""
                : " ← " + node.inputs.map { if case let .node(input) = $0 { String(input) } else { "in" } }.joined(separator: ",")
        }
        self.tiles = tiles
        self.detailed = detailed
        self.width = width
    }

    /// The overview of layers known by name and output shape alone (a merged eval has no graph).
    init(names: [String], shapes: [[Int]], tiles: [OverviewTile], detailed: Set<Int>, width: Double) {
        self.names = names
        groups = LayerGroup.groups(names: names, shapes: shapes)
        takes = Array(repeating: "", count: names.count)
        self.tiles = tiles
        self.detailed = detailed
        self.width = width
    }

    static let sides = [96, 80, 64, 56, 48, 40, 32, 28, 24, 20, 16]
    static let groupGap = 14.0, padding = 6.0, titleHeight = 17.0, tileGap = 8.0

    /// Tile geometry for one tile side.
    struct Geometry {
        let side: Int
        var stripSide: Int { max(4, (side - 4) / 3) }
        var captionSize: Double { side >= 48 ? 10 : 8.5 }
        var captionLine: Double { captionSize + 3 }
        var step: Double { Double(max(side, 28)) + NetworkOverview.tileGap }
        func tileHeight(hasStrip: Bool) -> Double {
            Double(side) + (hasStrip ? Double(stripSide) + 3 : 0) + 2 * captionLine + 6
        }
    }

    /// A group placed on the page.
    struct Placement {
        let group: LayerGroup
        let x: Double, y: Double, width: Double, height: Double
        let perRow: Int
    }

    /// The groups placed at tile side `geometry.side`, and the total height.
    func layout(_ geometry: Geometry) -> (placements: [Placement], height: Double) {
        let perRowLimit = max(1, Int((width - 2 * Self.padding + Self.tileGap) / geometry.step))
        var placements: [Placement] = []
        var x = 0.0, y = 0.0, rowHeight = 0.0
        for group in groups {
            let count = group.nodes.count
            let perRow = min(count, perRowLimit)
            let rows = (count + perRow - 1) / perRow
            let hasStrip = group.nodes.contains { !tiles[$0].strip.isEmpty }
            let groupWidth = max(Double(perRow) * geometry.step - Self.tileGap + 2 * Self.padding, 120)
            let groupHeight = Self.titleHeight + Double(rows) * geometry.tileHeight(hasStrip: hasStrip) + Self.padding
            if x > 0, x + groupWidth > width {
                y += rowHeight + Self.groupGap
                x = 0
                rowHeight = 0
            }
            placements.append(Placement(group: group, x: x, y: y, width: groupWidth, height: groupHeight, perRow: perRow))
            x += groupWidth + Self.groupGap
            rowHeight = max(rowHeight, groupHeight)
        }
        return (placements, y + rowHeight)
    }

    /// The largest tile side whose overview is at most `maxHeight` tall (the
    /// smallest side when none is).
    func geometry(fittingHeight maxHeight: Double) -> Geometry {
        Self.sides.lazy.map(Geometry.init).first { layout($0).height <= maxHeight } ?? Geometry(side: Self.sides.last!)
    }

    /// Draws the overview at tile side `geometry.side` from (x, y) down.
    func draw(on canvas: Canvas, x originX: Double, y originY: Double, geometry: Geometry) {
        let (placements, _) = layout(geometry)
        for (number, placement) in placements.enumerated() {
            let left = originX + placement.x, top = originY + placement.y
            canvas.fill(x: left, y: top, width: placement.width, height: placement.height, placement.group.isNamed ? RGB(0.955, 0.965, 0.985) : .gray(0.97))
            canvas.stroke(x: left + 0.5, y: top + 0.5, width: placement.width - 1, height: placement.height - 1, .gray(0.8))
            let first = placement.group.nodes.lowerBound, last = placement.group.nodes.upperBound - 1
            let range = first == last ? "#\(first)" : "#\(first)–\(last)"
            let title = placement.group.isNamed ? "\(placement.group.title)  \(range)" : "\(range)  (\(placement.group.title))"
            canvas.text(ReportParts.fitted(title, width: placement.width - 2 * Self.padding, size: 11, bold: true, on: canvas),
                        x: left + Self.padding, y: top + 13, size: 11, bold: placement.group.isNamed)
            // The path goes on to the next group: an arrow in the gap after this one.
            if number + 1 < placements.count, placements[number + 1].y == placement.y {
                canvas.text("›", x: left + placement.width + Self.groupGap / 2, y: top + 14, size: 14, color: .gray(0.45), align: .center)
            }
            let hasStrip = placement.group.nodes.contains { !tiles[$0].strip.isEmpty }
            for (position, node) in placement.group.nodes.enumerated() {
                let tileX = left + Self.padding + Double(position % placement.perRow) * geometry.step
                let tileY = top + Self.titleHeight + Double(position / placement.perRow) * geometry.tileHeight(hasStrip: hasStrip)
                drawTile(node, group: placement.group, geometry: geometry, on: canvas, x: tileX, y: tileY)
            }
        }
    }

    func drawTile(_ node: Int, group: LayerGroup, geometry: Geometry, on canvas: Canvas, x: Double, y: Double) {
        let tile = tiles[node]
        let box = Double(max(geometry.side, 28))
        let main = Thumbnail(values: tile.main.values, layout: tile.main.layout, side: geometry.side, centredOnZero: tile.centredOnZero, colormap: tile.colormap)
        main.draw(on: canvas, x: x + (box - main.width) / 2, y: y + (Double(geometry.side) - main.height) / 2)
        var captionTop = y + Double(geometry.side)
        if !tile.strip.isEmpty {
            let stripSide = geometry.stripSide
            for (position, channel) in tile.strip.enumerated() {
                let small = Thumbnail(values: channel.values, layout: channel.layout, side: stripSide, centredOnZero: tile.centredOnZero, colormap: tile.colormap)
                small.draw(on: canvas, x: x + Double(position) * (Double(stripSide) + 2), y: captionTop + 3)
            }
            captionTop += Double(stripSide) + 3
        }
        if detailed.contains(node) {
            canvas.stroke(x: x - 2.5, y: y - 2.5, width: box + 5, height: Double(geometry.side) + 5, RGB(0.1, 0.35, 0.85), lineWidth: 2)
        }
        let size = geometry.captionSize
        let name = geometry.side >= 40 ? "\(node) \(group.shortName(of: names[node]))" : "\(node)"
        canvas.text(ReportParts.fitted(name, width: box + NetworkOverview.tileGap - 2, size: size, bold: false, on: canvas),
                    x: x, y: captionTop + geometry.captionLine, size: size, color: .gray(0.15))
        let second = (tile.alert ?? tile.note) + takes[node]
        canvas.text(ReportParts.fitted(second, width: box + NetworkOverview.tileGap - 2, size: size, bold: tile.alert != nil, on: canvas),
                    x: x, y: captionTop + 2 * geometry.captionLine, size: size,
                    color: tile.alert != nil ? RGB(0.8, 0.1, 0.1) : .gray(0.4), bold: tile.alert != nil)
    }
}
