import ModelGraph

/// Resizes and filters rasters through ModelGraph's `Resampling`, keeping their value range.
enum Resampler {
    static func resize(_ raster: Raster, width: Int, height: Int, method: ResizeMethod) -> Raster {
        Raster(height: height, width: width, channels: raster.channels,
               values: Resampling.resize(raster.values, height: raster.height, width: raster.width, channels: raster.channels,
                                         toHeight: height, toWidth: width, method: method),
               range: raster.range)
    }

    static func apply(_ raster: Raster, rows: [Resampling.Tap], columns: [Resampling.Tap]) -> Raster {
        Raster(height: rows.count, width: columns.count, channels: raster.channels,
               values: Resampling.apply(raster.values, height: raster.height, width: raster.width, channels: raster.channels,
                                        rows: rows, columns: columns),
               range: raster.range)
    }
}
