import ModelGraph

/// The MNIST/EMNIST recipe: find the ink, crop to its bounding box, scale the
/// longer side to `box` pixels keeping the aspect ratio, and place it in a
/// `width × height` canvas of the background level, centred by centre of mass.
///
/// The background is the median of the border pixels; ink is what differs from
/// it by more than a quarter of the range, so paper grain and uneven light are
/// not taken for ink.
enum InkFit {
    static func fit(_ raster: Raster, box: Int, width: Int, height: Int) throws -> Raster {
        guard raster.channels == 1 else { throw PipelineError("preprocessing step 'fit': needs a grey image; put 'gray' before it") }
        let background = borderMedian(raster)
        let margin = (raster.range.upperBound - raster.range.lowerBound) / 4
        var top = raster.height, bottom = -1, left = raster.width, right = -1
        for y in 0..<raster.height {
            for x in 0..<raster.width where abs(raster[y, x, 0] - background) > margin {
                top = min(top, y); bottom = max(bottom, y); left = min(left, x); right = max(right, x)
            }
        }
        var canvas = Raster(height: height, width: width, channels: 1,
                            values: [Float](repeating: background, count: width * height), range: raster.range)
        guard bottom >= 0 else { return canvas }  // no ink: the blank canvas
        var inkValues: [Float] = []
        for y in top...bottom { for x in left...right { inkValues.append(raster[y, x, 0]) } }
        let crop = Raster(height: bottom - top + 1, width: right - left + 1, channels: 1, values: inkValues, range: raster.range)
        let longer = max(crop.width, crop.height)
        let scaledWidth = max(1, Int((Double(crop.width) * Double(box) / Double(longer)).rounded()))
        let scaledHeight = max(1, Int((Double(crop.height) * Double(box) / Double(longer)).rounded()))
        let method: ResizeMethod = longer > box ? .area : .bilinear
        let glyph = crop.resized(width: scaledWidth, height: scaledHeight, method: method)
        // Centre of mass of the ink's difference from the background.
        var mass: Double = 0, rowMoment: Double = 0, columnMoment: Double = 0
        for y in 0..<glyph.height {
            for x in 0..<glyph.width {
                let weight = Double(abs(glyph[y, x, 0] - background))
                mass += weight; rowMoment += weight * Double(y); columnMoment += weight * Double(x)
            }
        }
        let centreY = mass > 0 ? rowMoment / mass : Double(glyph.height - 1) / 2
        let centreX = mass > 0 ? columnMoment / mass : Double(glyph.width - 1) / 2
        let offsetY = Int((Double(height - 1) / 2 - centreY).rounded())
        let offsetX = Int((Double(width - 1) / 2 - centreX).rounded())
        for y in 0..<glyph.height {
            for x in 0..<glyph.width {
                let ty = y + offsetY, tx = x + offsetX
                if ty >= 0, ty < height, tx >= 0, tx < width { canvas[ty, tx, 0] = glyph[y, x, 0] }
            }
        }
        return canvas
    }

    static func borderMedian(_ raster: Raster) -> Float {
        var border: [Float] = []
        for x in 0..<raster.width { border.append(raster[0, x, 0]); border.append(raster[raster.height - 1, x, 0]) }
        for y in 0..<raster.height { border.append(raster[y, 0, 0]); border.append(raster[y, raster.width - 1, 0]) }
        border.sort()
        return border[border.count / 2]
    }
}
