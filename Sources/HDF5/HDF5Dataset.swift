import FileIO

/// An HDF5 dataset: an n-dimensional array of numbers.
public final class HDF5Dataset: HDF5Object, @unchecked Sendable {
    /// The dataset's path inside its file, for messages.
    public let path: String
    private let dataspace: Dataspace
    private let datatype: Datatype
    private let layout: DataLayout
    private let filters: FilterPipeline?
    private let fillValue: [UInt8]?

    /// The dataset whose header is `header`; refused when its data would be
    /// read from another file (external storage, a virtual layout) or through a
    /// filter Keras does not write (which libhdf5 would load as a plugin).
    init(header: ObjectHeader, path: String, file: HDF5File) throws {
        self.path = path
        let what = "dataset \(shortened(path))"
        guard let layoutMessage = header.message(HeaderMessage.Kind.layout),
              let spaceMessage = header.message(HeaderMessage.Kind.dataspace),
              let typeMessage = header.message(HeaderMessage.Kind.datatype) else {
            throw HDF5Error("\(quoted(path)) is not a dataset")
        }
        if header.message(HeaderMessage.Kind.externalFiles) != nil {
            throw HDF5Error("\(what) stores its data in another file (external storage); refused")
        }
        func cursor(_ message: HeaderMessage) throws -> ByteCursor { try file.source.body(of: message, what: what) }
        var spaceCursor = try cursor(spaceMessage)
        dataspace = try Dataspace(&spaceCursor)
        var typeCursor = try cursor(typeMessage)
        datatype = try Datatype(&typeCursor)
        if let message = header.message(HeaderMessage.Kind.filters) {
            var filterCursor = try cursor(message)
            let pipeline = try FilterPipeline(&filterCursor)
            for filter in pipeline.filters where FilterPipeline.knownFilters[filter.id] == nil {
                let known = FilterPipeline.knownFilters.values.sorted().joined(separator: ", ")
                throw HDF5Error("\(what) needs filter \(filter.id), which HDF5 would load as a plugin (not one Keras writes: \(known)); refused")
            }
            filters = pipeline
        } else {
            filters = nil
        }
        var layoutCursor = try cursor(layoutMessage)
        layout = try DataLayout(&layoutCursor, space: dataspace)
        if let message = header.message(HeaderMessage.Kind.fillValue) ?? header.message(HeaderMessage.Kind.fillValueOld) {
            var fillCursor = try cursor(message)
            fillValue = try FillValue.read(&fillCursor, type: message.type)
        } else {
            fillValue = nil
        }
        try super.init(header: header, file: file)
    }

    /// The extent of each dimension, outermost first.
    public func shape() throws -> [Int] { dataspace.dimensions }

    /// The bytes the file holds for the dataset's data: 0 for one never written,
    /// less than its shape needs when compressed.
    public func storageBytes() -> Int {
        switch layout {
        case .compact(let bytes): bytes.count
        case .contiguous(let address, let size): address == nil ? 0 : size ?? impliedSize ?? 0
        case .chunked(let chunked): (try? chunked.storedBytes(in: source, what: "dataset \(quoted(path))")) ?? 0
        }
    }

    /// The bytes the shape implies, nil when that overflows.
    private var impliedSize: Int? {
        let (bytes, overflow) = dataspace.elementCount.multipliedReportingOverflow(by: datatype.elementSize(source.sizes))
        return overflow ? nil : bytes
    }

    /// Every element as Float, in C order, converted from the stored numeric
    /// type as libhdf5's `H5Dread` into `H5T_NATIVE_FLOAT` converts (rounded to
    /// nearest; out of range to ±infinity). The element count is checked against
    /// the bytes the file stores before anything is allocated for it.
    public func readFloats() throws -> [Float] {
        try readFloats(blockBytes: Self.blockBytes)
    }

    /// How much contiguous data is converted at a time: the mapped pages of each
    /// block are given back once converted, so reading a mapped file costs no more
    /// memory than the values read.
    static let blockBytes = 8 << 20

    /// `readFloats()`, converting contiguous data about `blockBytes` at a time.
    func readFloats(blockBytes: Int) throws -> [Float] {
        let what = "dataset \(quoted(path))"
        guard datatype.isNumeric else { throw HDF5Error("\(what) does not hold numbers") }
        guard !dataspace.isNull else { throw HDF5Error("\(what) has a null dataspace: it holds no values") }
        let count = dataspace.elementCount
        let elementSize = datatype.elementSize(source.sizes)
        guard let needed = impliedSize else { throw HDF5Error("\(what) claims an impossible shape \(dataspace.dimensions)") }
        switch layout {
        case .compact(let bytes):
            guard bytes.count >= needed else { throw HDF5Error("\(what) claims shape \(dataspace.dimensions) but stores \(bytes.count) bytes (truncated or corrupt)") }
            return ElementConversion.floats(from: UnsafeRawBufferPointer(rebasing: source.bytes[bytes]), count: count, type: datatype)
        case .contiguous(let address, let size):
            guard count > 0 else { return [] }
            let stored = address == nil ? 0 : size ?? needed
            guard let address, stored >= needed else {
                throw HDF5Error("\(what) claims shape \(dataspace.dimensions) but stores \(stored) bytes (truncated or corrupt)")
            }
            let start = try source.index(of: address, what: "the data of \(what)")
            guard needed <= source.bytes.count - start else {
                throw HDF5Error("corrupt file: the data of \(what) runs past the end of the file")
            }
            return convertInBlocks(start..<(start + needed), count: count, elementSize: elementSize, blockBytes: blockBytes)
        case .chunked(let chunked):
            guard count <= Self.chunkedElementLimit else {
                throw HDF5Error("\(what) claims \(count) elements, over the limit of \(Self.chunkedElementLimit)")
            }
            let raw = try chunked.readRaw(shape: dataspace.dimensions, elementSize: elementSize, filters: filters,
                                          fillValue: fillValue, in: source, what: what)
            guard raw.count >= needed else { throw HDF5Error("corrupt file: the chunks of \(what) hold \(raw.count) bytes, its shape needs \(needed)") }
            return raw.withUnsafeBytes { ElementConversion.floats(from: $0, count: count, type: datatype) }
        }
    }

    /// Converts the `count` elements stored at `bytes` of the file, a block of
    /// whole elements at a time, giving each block's mapped pages back once read.
    private func convertInBlocks(_ bytes: Range<Int>, count: Int, elementSize: Int, blockBytes: Int) -> [Float] {
        let elementsPerBlock = max(1, blockBytes / elementSize)
        return [Float](unsafeUninitializedCapacity: count) { output, initialized in
            for first in stride(from: 0, to: count, by: elementsPerBlock) {
                let block = first..<min(count, first + elementsPerBlock)
                let stored = (bytes.lowerBound + block.lowerBound * elementSize)..<(bytes.lowerBound + block.upperBound * elementSize)
                ElementConversion.convert(UnsafeRawBufferPointer(rebasing: source.bytes[stored]), count: block.count, type: datatype,
                                          into: UnsafeMutableBufferPointer(rebasing: output[block]))
                source.file.releasePages(stored)
            }
            initialized = count
        }
    }

    /// The most elements a chunked (possibly compressed) dataset may claim: 16 GiB of floats.
    static let chunkedElementLimit = 1 << 32
}
