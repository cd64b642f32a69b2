/// The grid of chunks over a dataset: how many chunks cover its current shape
/// and its maximum shape along each dimension, and which chunks cross its edge.
struct ChunkGrid {
    /// The dataset's current extents.
    let shape: [Int]
    /// The elements of a chunk along each dimension.
    let chunkShape: [Int]
    /// The chunks along each dimension that cover the current shape.
    let chunkCounts: [Int]
    /// The chunks along each dimension that cover the maximum shape; for an unlimited dimension, `chunkCounts`'.
    let maximumChunkCounts: [Int]
    /// The dimensions of unlimited maximum extent.
    let unlimitedDimensions: [Int]

    init(shape: [Int], maximumShape: [UInt64?], chunkShape: [Int], what: String) throws {
        guard maximumShape.count == shape.count, chunkShape.count == shape.count else {
            throw HDF5Error("corrupt file: \(what) has \(chunkShape.count) chunk dimensions for a \(shape.count)-dimensional dataset")
        }
        var chunkCounts: [Int] = [], maximumChunkCounts: [Int] = []
        for (dimension, chunk) in chunkShape.enumerated() {
            let count = (shape[dimension] + chunk - 1) / chunk  // shape ≤ 2^40, chunk ≤ 2^32: no overflow
            chunkCounts.append(count)
            guard let maximum = maximumShape[dimension] else {
                maximumChunkCounts.append(count)
                continue
            }
            let maximumCount = maximum / UInt64(chunk) + (maximum % UInt64(chunk) == 0 ? 0 : 1)
            guard maximumCount <= UInt64(Int.max) else {
                throw HDF5Error("corrupt file: \(what) declares a maximum extent of \(maximum) elements")
            }
            maximumChunkCounts.append(max(count, Int(maximumCount)))
        }
        self.shape = shape
        self.chunkShape = chunkShape
        self.chunkCounts = chunkCounts
        self.maximumChunkCounts = maximumChunkCounts
        unlimitedDimensions = maximumShape.indices.filter { maximumShape[$0] == nil }
    }

    /// Whether the chunk at `position` lies (at least partly) inside the current shape.
    func contains(_ position: [Int]) -> Bool {
        position.count == chunkCounts.count && zip(position, chunkCounts).allSatisfy { $0 >= 0 && $0 < $1 }
    }

    /// Whether the chunk at `position` crosses the dataset's edge in some dimension
    /// (its end past the extent: `(p + 1) × chunk > extent`, which is `p ≥ extent / chunk`).
    func isPartialEdgeChunk(_ position: [Int]) -> Bool {
        zip(position, zip(chunkShape, shape)).contains { $0 >= $1.1 / $1.0 }
    }

    /// The number of the chunk at `position` (inside the shape) in C order over `chunkCounts`.
    func coveringNumber(of position: [Int]) -> Int {
        zip(position, chunkCounts).reduce(0) { $0 * $1.1 + $1.0 }
    }
}

/// How the array indexes (implicit, fixed and extensible arrays) number chunks:
/// in C order over the maximum chunk counts, with the unlimited dimension (if
/// any) moved first, as libhdf5 numbers them.
struct ChunkNumbering {
    /// The dataset's dimensions, slowest-varying first.
    private let order: [Int]
    /// How far apart in number consecutive chunks along `order[i]` lie.
    private let strides: [Int]
    /// Every chunk inside the current shape has a number below this.
    let limit: Int

    init(grid: ChunkGrid, unlimitedDimension: Int?, what: String) throws {
        let rank = grid.shape.count
        var order = Array(0..<rank)
        if let unlimitedDimension, let found = order.firstIndex(of: unlimitedDimension) {
            order.remove(at: found)
            order.insert(unlimitedDimension, at: 0)
        }
        var strides = Array(repeating: 1, count: rank)
        for slot in stride(from: rank - 2, through: 0, by: -1) {
            let (product, overflow) = strides[slot + 1].multipliedReportingOverflow(by: grid.maximumChunkCounts[order[slot + 1]])
            guard !overflow else { throw HDF5Error("corrupt file: \(what) declares more chunks than can be numbered") }
            strides[slot] = product
        }
        let (limit, overflow) = (order.first.map { grid.chunkCounts[$0] } ?? 0).multipliedReportingOverflow(by: strides.first ?? 1)
        self.order = order
        self.strides = strides
        self.limit = overflow ? Int.max : limit
    }

    /// The grid position of chunk number `number` (not negative).
    func position(of number: Int) -> [Int] {
        var position = Array(repeating: 0, count: order.count)
        var rest = number
        for (slot, dimension) in order.enumerated() {
            position[dimension] = rest / strides[slot]
            rest %= strides[slot]
        }
        return position
    }

    /// The number of the chunk at `position` (inside the current shape), refused when it overflows.
    func number(of position: [Int], what: String) throws -> Int {
        var number = 0
        for (dimension, stride) in zip(order, strides) {
            let (term, overflow) = position[dimension].multipliedReportingOverflow(by: stride)
            let (sum, overflowAgain) = number.addingReportingOverflow(term)
            guard !overflow, !overflowAgain else { throw HDF5Error("corrupt file: \(what) has more chunks than can be numbered") }
            number = sum
        }
        return number
    }
}

/// Places a dataset's chunks into its C-order bytes: starts from the fill value
/// everywhere, then copies each chunk's elements that lie inside the shape.
struct ChunkAssembly {
    /// The dataset's bytes, in C order.
    private(set) var output: [UInt8]
    private let grid: ChunkGrid
    private let elementSize: Int
    private let what: String
    /// The covering numbers of the chunks placed, so that a chunk recorded twice is refused.
    private var placed: Set<Int> = []

    /// An output of the grid's shape holding `fillValue` (zeros when nil) in every element.
    init(grid: ChunkGrid, elementSize: Int, fillValue: [UInt8]?, what: String) throws {
        let count = grid.shape.reduce(1, *)  // the caller has capped the element count
        let (total, overflow) = count.multipliedReportingOverflow(by: elementSize)
        guard !overflow else { throw HDF5Error("\(what) claims an impossible shape \(grid.shape)") }
        self.grid = grid
        self.elementSize = elementSize
        self.what = what
        output = [UInt8](repeating: 0, count: total)
        guard let fillValue, fillValue.contains(where: { $0 != 0 }), total > 0 else { return }
        guard fillValue.count == elementSize else {
            throw HDF5Error("corrupt file: \(what) has a \(fillValue.count)-byte fill value for \(elementSize)-byte elements")
        }
        output.withUnsafeMutableBytes { buffer in
            // The fill value once, then the filled part doubled until the buffer is full.
            UnsafeMutableRawBufferPointer(rebasing: buffer[0..<elementSize]).copyBytes(from: fillValue)
            var filled = elementSize
            while filled < total {
                let step = min(filled, total - filled)
                UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<(filled + step)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<step]))
                filled += step
            }
        }
    }

    /// Reads `chunk`, undoes the `filters` its mask leaves (none when nil) and
    /// copies its elements inside the shape into place; a chunk outside the
    /// shape is ignored, one placed before is refused.
    mutating func place(_ chunk: StoredChunk, filters: FilterPipeline?, chunkBytes: Int, in source: HDF5Source) throws {
        guard grid.contains(chunk.position) else { return }
        let chunkWhat = "chunk \(chunk.position) at address \(chunk.address) of \(what)"
        guard placed.insert(grid.coveringNumber(of: chunk.position)).inserted else {
            throw HDF5Error("corrupt file: \(what) records chunk \(chunk.position) twice")
        }
        let pending = (filters?.filters ?? []).enumerated().filter { chunk.filterMask & (UInt32(1) << UInt32($0.offset)) == 0 }.map(\.element)
        if pending.isEmpty {
            guard chunk.size >= chunkBytes else {
                throw HDF5Error("corrupt file: \(chunkWhat) stores \(chunk.size) bytes, not the \(chunkBytes) of an unfiltered chunk")
            }
            let stored = try source.cursor(at: chunk.address, count: chunkBytes, what: chunkWhat)
            copy(UnsafeRawBufferPointer(rebasing: stored.bytes[stored.start..<stored.end]), at: chunk.position)
        } else {
            let stored = try source.cursor(at: chunk.address, count: chunk.size, what: chunkWhat)
            let unfiltered = try ChunkFilters.undo(pending, on: UnsafeRawBufferPointer(rebasing: stored.bytes[stored.start..<stored.end]),
                                                   chunkBytes: chunkBytes, elementSize: elementSize, what: chunkWhat)
            unfiltered.withUnsafeBytes { copy($0, at: chunk.position) }
        }
    }

    /// Copies the rows of a chunk's bytes (`chunkBytes` of them, in C order over
    /// the chunk shape) that lie inside the dataset into `output`.
    private mutating func copy(_ chunk: UnsafeRawBufferPointer, at position: [Int]) {
        let rank = grid.shape.count
        let origin = zip(position, grid.chunkShape).map { $0 * $1 }
        let extent = (0..<rank).map { min(grid.chunkShape[$0], grid.shape[$0] - origin[$0]) }
        var chunkStrides = Array(repeating: 1, count: rank), outputStrides = Array(repeating: 1, count: rank)
        for dimension in stride(from: rank - 2, through: 0, by: -1) {
            chunkStrides[dimension] = chunkStrides[dimension + 1] * grid.chunkShape[dimension + 1]
            outputStrides[dimension] = outputStrides[dimension + 1] * grid.shape[dimension + 1]
        }
        let rowBytes = extent[rank - 1] * elementSize
        // An odometer over the chunk's rows inside the shape: every dimension but the last.
        var row = Array(repeating: 0, count: rank)
        output.withUnsafeMutableBytes { output in
            while true {
                var source = 0, target = origin[rank - 1]
                for dimension in 0..<(rank - 1) {
                    source += row[dimension] * chunkStrides[dimension]
                    target += (origin[dimension] + row[dimension]) * outputStrides[dimension]
                }
                let from = source * elementSize, to = target * elementSize
                UnsafeMutableRawBufferPointer(rebasing: output[to..<(to + rowBytes)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: chunk[from..<(from + rowBytes)]))
                var dimension = rank - 2
                while dimension >= 0 {
                    row[dimension] += 1
                    if row[dimension] < extent[dimension] { break }
                    row[dimension] = 0
                    dimension -= 1
                }
                if dimension < 0 { return }
            }
        }
    }
}
