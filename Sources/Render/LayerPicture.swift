import ModelGraph

/// Something drawn for one layer: an activation map or a grid of channel tiles.
public protocol LayerPicture {
    /// The width including the colour bar and its numbers.
    func width(on canvas: Canvas) -> Double
    /// The height of the picture.
    var height: Double { get }
    /// Draws with the top-left corner at (x, y).
    func draw(on canvas: Canvas, x: Double, y: Double)
}

extension ActivationMap: LayerPicture {
    public var height: Double { gridHeight }
}

/// The picture of one layer's sample: channel tiles for `[H, W, C]` outputs,
/// an activation map otherwise.
public func layerPicture(values: [Float], sampleShape: [Int], scale: ColorScale, colormap: Colormap = .viridis,
                         mapTarget: Double, cellPixels: Int?, cellLabels: [String]? = nil, outlined: Int? = nil,
                         maxChannels: Int = 64) -> any LayerPicture {
    if sampleShape.count == 3 {
        return ChannelTiles(values: values, shape: sampleShape, scale: scale, colormap: colormap,
                            cell: cellPixels.map(Double.init), maxChannels: maxChannels)
    }
    let layout = GridLayout(sampleShape: sampleShape)
    let cell = cellPixels.map(Double.init) ?? max(3, min(40, (mapTarget / Double(max(layout.rows, layout.columns))).rounded(.down)))
    return ActivationMap(layout: layout, values: values, scale: scale, colormap: colormap, cell: cell,
                         cellLabels: cell >= 14 ? cellLabels : nil, outlined: outlined)
}
