import Foundation
import ModelGraph

/// A convolutional layer's `[H, W, C]` output as one `H × W` tile per channel,
/// all on the layer's one colour scale so channels compare, each labelled with
/// its channel index; wide layers show their most active channels and say how
/// many are hidden.
public struct ChannelTiles: LayerPicture {
    public let height: Double
    let heightCells: Int, widthCells: Int
    /// The channels shown, in channel order.
    public let shown: [Int]
    public let hidden: Int
    let values: [Float]
    let channels: Int
    let scale: ColorScale
    let colormap: Colormap
    let cell: Double
    let columns: Int

    static let gap = 4.0, labelHeight = 11.0, noteHeight = 14.0

    /// The longest side a block of tiles takes: large maps show fewer channels.
    public static let maximumGridSide = 760.0

    /// Tiles for one sample's `values` (`H × W × C`, channels last). At most
    /// `maxChannels` are shown, and no more than fit a square of
    /// `maximumGridSide` pixels: those with the largest mean |activation|.
    public init(values: [Float], shape: [Int], scale: ColorScale, colormap: Colormap = .viridis, tileTarget: Double = 56,
                cell: Double? = nil, maxChannels: Int = 64) {
        heightCells = shape[0]
        widthCells = shape[1]
        channels = shape[2]
        self.values = values
        self.scale = scale
        self.colormap = colormap
        let positions = heightCells * widthCells
        let activity = (0..<channels).map { c in (0..<positions).reduce(0.0) { $0 + Double(abs(values[$1 * shape[2] + c])) } }
        let mapSide = Double(max(shape[0], shape[1]))
        func columnsFor(_ count: Int) -> Int {
            var columns = 1
            while columns * columns < count { columns += 1 }
            return columns
        }
        // Few channels get bigger tiles, so a block is never smaller than a dense map.
        func cellFor(columns: Int) -> Double {
            cell ?? max(1, (max(tileTarget, 150 / Double(columns)) / mapSide).rounded(.down))
        }
        var count = min(channels, maxChannels)
        let side = mapSide * cellFor(columns: columnsFor(count)) + Self.gap + Self.labelHeight
        let fitting = max(1, Int(Self.maximumGridSide / side))
        count = min(count, fitting * fitting)
        let chosen = channels <= count ? Array(0..<channels)
            : Array((0..<channels).sorted { activity[$0] != activity[$1] ? activity[$0] > activity[$1] : $0 < $1 }.prefix(count)).sorted()
        shown = chosen
        hidden = channels - chosen.count
        columns = columnsFor(chosen.count)
        self.cell = cellFor(columns: columns)
        let rows = (chosen.count + columns - 1) / columns
        height = Double(rows) * (Double(heightCells) * self.cell + Self.gap + Self.labelHeight) + (hidden > 0 ? Self.noteHeight : 0)
    }

    var tileWidth: Double { Double(widthCells) * cell }

    /// What is said under the tiles when channels are hidden.
    var hiddenNote: String { "\(hidden) quieter channels hidden" }

    public func width(on canvas: Canvas) -> Double {
        let tiles = Double(columns) * (tileWidth + Self.gap)
        let bar = ColorBar(scale: scale, colormap: colormap)
        return max(tiles + ColorBar.gap + bar.width(on: canvas), hidden > 0 ? canvas.textWidth(hiddenNote, size: 10) : 0)
    }

    public func draw(on canvas: Canvas, x: Double, y: Double) {
        let tileHeight = Double(heightCells) * cell
        for (position, channel) in shown.enumerated() {
            let left = x + Double(position % columns) * (tileWidth + Self.gap)
            let top = y + Double(position / columns) * (tileHeight + Self.gap + Self.labelHeight)
            canvas.text("\(channel)", x: left, y: top + 9, size: 9, color: .gray(0.4))
            canvas.pixels(x: left, y: top + Self.labelHeight, rows: heightCells, columns: widthCells, cell: cell) { row, column in
                let value = values[(row * widthCells + column) * channels + channel]
                return value.isFinite ? colormap.color(scale.position(value)) : Palette.nonFinite
            }
            canvas.stroke(x: left - 0.5, y: top + Self.labelHeight - 0.5, width: tileWidth + 1, height: tileHeight + 1, .gray(0.7))
        }
        if hidden > 0 {
            canvas.text(hiddenNote, x: x, y: y + height - 3, size: 10, color: .gray(0.35))
        }
        // The colour bar, as tall as the tiles, beside them.
        let rows = (shown.count + columns - 1) / columns
        let barHeight = Double(rows) * (tileHeight + Self.gap + Self.labelHeight) - Self.gap - Self.labelHeight
        ColorBar(scale: scale, colormap: colormap).draw(on: canvas, x: x + Double(columns) * (tileWidth + Self.gap) + 4, y: y + Self.labelHeight, height: barHeight)
    }
}
