/// Bob Jenkins's lookup3 `hashlittle` with an initial value of 0: the checksum
/// HDF5 puts after its newer metadata structures (version-2 object headers,
/// version-2 B-tree nodes, fractal heap blocks). Written by hand: it is 40 lines
/// and no Swift library offers it.
func lookup3Checksum(_ data: UnsafeRawBufferPointer, initialValue: UInt32 = 0) -> UInt32 {
    var a: UInt32 = 0xdeadbeef &+ UInt32(truncatingIfNeeded: data.count) &+ initialValue
    var b = a, c = a
    func word(_ index: Int, _ count: Int) -> UInt32 {
        var value: UInt32 = 0
        for byte in 0..<min(4, count) { value |= UInt32(data[index + byte]) << (8 * UInt32(byte)) }
        return value
    }
    func rotate(_ value: UInt32, _ bits: UInt32) -> UInt32 { (value << bits) | (value >> (32 - bits)) }
    var index = 0, left = data.count
    while left > 12 {
        a &+= word(index, 4); b &+= word(index + 4, 4); c &+= word(index + 8, 4)
        a &-= c; a ^= rotate(c, 4); c &+= b
        b &-= a; b ^= rotate(a, 6); a &+= c
        c &-= b; c ^= rotate(b, 8); b &+= a
        a &-= c; a ^= rotate(c, 16); c &+= b
        b &-= a; b ^= rotate(a, 19); a &+= c
        c &-= b; c ^= rotate(b, 4); b &+= a
        index += 12; left -= 12
    }
    if left == 0 { return c }
    a &+= word(index, left)
    if left > 4 { b &+= word(index + 4, left - 4) }
    if left > 8 { c &+= word(index + 8, left - 8) }
    c ^= b; c &-= rotate(b, 14)
    a ^= c; a &-= rotate(c, 11)
    b ^= a; b &-= rotate(a, 25)
    c ^= b; c &-= rotate(b, 16)
    a ^= c; a &-= rotate(c, 4)
    b ^= a; b &-= rotate(a, 14)
    c ^= b; c &-= rotate(b, 24)
    return c
}
