extension Colormap {
    /// The 256 entries as 8-bit RGB, 768 bytes (each component rounded from
    /// 0...1 to 0...255): the lookup table a browser colours maps with.
    public var rgbBytes: [UInt8] {
        table.flatMap { [$0.0, $0.1, $0.2].map { UInt8(($0 * 255).rounded()) } }
    }
}
