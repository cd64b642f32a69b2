/// A dataspace message: the shape of a dataset's or attribute's array.
struct Dataspace {
    /// The extent of each dimension, outermost first; empty for a scalar.
    let dimensions: [Int]
    /// Whether the space holds nothing at all (HDF5's null dataspace).
    let isNull: Bool
    /// The extent each dimension may grow to, nil when unlimited; the current extents when the message gives none.
    let maximumDimensions: [UInt64?]

    /// The most elements a dataspace may declare; each dimension and their product are checked against it.
    static let elementLimit = 1 << 40

    /// The number of elements: 1 for a scalar, 0 for a null space.
    var elementCount: Int { isNull ? 0 : dimensions.reduce(1, *) }

    init(_ cursor: inout ByteCursor) throws {
        let version = try cursor.uint8()
        let rank = Int(try cursor.uint8())
        let flags = try cursor.uint8()
        guard rank <= 32 else { throw HDF5Error("corrupt file: \(cursor.what) declares \(rank) dimensions (HDF5 allows 32)") }
        switch version {
        case 1:
            try cursor.skip(5)  // reserved
            isNull = false
        case 2:
            let type = try cursor.uint8()
            guard type <= 2 else { throw HDF5Error("corrupt file: \(cursor.what) has dataspace type \(type)") }
            isNull = type == 2
        default:
            throw HDF5Error("corrupt file: \(cursor.what) has dataspace version \(version)")
        }
        var dimensions: [Int] = []
        var product = 1
        for _ in 0..<rank {
            let extent = try cursor.length()
            guard extent <= UInt64(Self.elementLimit) else {
                throw HDF5Error("\(cursor.what) declares a dimension of \(extent) elements, over the limit of \(Self.elementLimit)")
            }
            dimensions.append(Int(extent))
            let (next, overflow) = product.multipliedReportingOverflow(by: max(1, Int(extent)))
            product = next
            guard !overflow, product <= Self.elementLimit else {
                throw HDF5Error("\(cursor.what) declares more than \(Self.elementLimit) elements")
            }
        }
        self.dimensions = dimensions
        // Maximum extents (flag bit 0) follow; a permutation (bit 1) is never written and not needed.
        if flags & 0x01 != 0 {
            var maximumDimensions: [UInt64?] = []
            for _ in 0..<rank {
                let extent = try cursor.length()
                maximumDimensions.append(extent == FieldSizes.undefined(width: cursor.sizes.length) ? nil : extent)
            }
            self.maximumDimensions = maximumDimensions
        } else {
            maximumDimensions = dimensions.map { UInt64($0) }
        }
    }
}
