import Foundation
@testable import HDF5
import Testing
import TestSupport

/// Links and attributes in dense storage (a fractal heap indexed by a
/// version-2 B-tree), read against what h5py reads from the same files
/// (`Fixtures/make_hdf5_dense.py` writes both); and damaged copies of those
/// files, which must throw, never trap.
@Suite struct DenseStorageTests {
    static let files = ["dense_links.h5", "dense_attributes.h5", "dense_small_sizes.h5"]

    /// Every group's member names, as h5py lists them.
    @Test(arguments: files)
    func readsEveryMember(file: String) throws {
        let expected = try Self.expectations(file)
        let root = try HDF5File(path: Fixtures.path("hdf5_dense/\(file)")).root()
        for (path, names) in expected.groups {
            #expect(try Self.group(path, in: root).memberNames() == names, "\(file) \(path)")
        }
    }

    /// Every object's attribute names, and the values of its string attributes
    /// (including the huge ones, over the heap's limit for managed objects).
    @Test(arguments: files)
    func readsEveryAttribute(file: String) throws {
        let expected = try Self.expectations(file)
        let root = try HDF5File(path: Fixtures.path("hdf5_dense/\(file)")).root()
        for (path, attributes) in expected.attributes {
            let object = try Self.object(path, in: root, expected: expected)
            #expect(try object.attributeNames() == attributes.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, "\(file) \(path)")
            for (name, values) in attributes {
                guard let values else { continue }
                let read = try object.stringsAttribute(name)
                #expect(read.map(ExpectedString.init) == values, "\(file) \(path) \(name)")
            }
        }
    }

    /// Members are opened through dense links: datasets read as h5py reads
    /// them, 1,169 hard links reach one dataset, and soft links are refused.
    @Test func opensMembersThroughDenseLinks() throws {
        let expected = try Self.expectations("dense_links.h5")
        let root = try HDF5File(path: Fixtures.path("hdf5_dense/dense_links.h5")).root()
        #expect(!expected.datasets.isEmpty)
        for (path, values) in expected.datasets {
            #expect(try root.dataset(String(path.dropFirst())).readFloats() == values.map(Float.init), "\(path)")
        }
        let many = try root.group("many")
        #expect(try many.dataset("member_0100_of_a_dense_group").readFloats() == [0, 1, 2, 3, 4, 5])
        #expect(try many.dataset("member_0194_ünïcode").readFloats() == [0, 1, 2, 3, 4, 5])
        #expect(many.contains("member_0025_of_a_dense_group"))
        let error = #expect(throws: HDF5Error.self) { try many.dataset("member_0025_of_a_dense_group") }
        #expect(error?.description.contains("soft link") == true)
        #expect(!many.contains("member_1200_of_a_dense_group"))
    }

    /// A byte changed inside any heap header or block, or any node of a name
    /// index or huge-object B-tree, is caught (by a checksum, or by the block
    /// naming another heap), whichever object's storage it lies in.
    @Test(arguments: files)
    func refusesEveryDamagedStructure(file: String) throws {
        let expected = try Self.expectations(file)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("hdf5_dense/\(file)"))))
        let places = Self.denseStructures(in: bytes)
        #expect(places.count > 10)
        for place in places {
            var damaged = bytes
            damaged[place + 6] ^= 0x01
            #expect(throws: HDF5Error.self, "\(file): a byte changed at \(place + 6)") { try Self.readEverything(damaged, expected: expected) }
        }
    }

    /// Copies with random bytes changed, or cut short, read or throw; none traps.
    @Test(arguments: files)
    func survivesRandomDamage(file: String) throws {
        let expected = try Self.expectations(file)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("hdf5_dense/\(file)"))))
        var random = SplitMix64(seed: 20261203)
        var thrown = 0
        for _ in 0..<120 {
            var damaged = bytes
            for _ in 0..<Int(random.next() % 4 + 1) {
                damaged[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
            }
            do { try Self.readEverything(damaged, expected: expected) } catch { thrown += 1 }
        }
        for _ in 0..<20 {
            let damaged = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count))))
            #expect(throws: HDF5Error.self) { try Self.readEverything(damaged, expected: expected) }
        }
        #expect(thrown > 0)
    }

    /// A heap whose blocks pass through I/O filters is refused by name.
    @Test func refusesFilteredHeaps() throws {
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("hdf5_dense/dense_links.h5"))))
        let header = try #require(Self.places(of: "FRHP", in: bytes).first)
        bytes[header + 7] = 12  // the I/O filters' encoded length
        let error = #expect(throws: HDF5Error.self) { try HDF5File(imageOfSize: bytes.count) { $0.copyBytes(from: bytes) }.root().group("many").memberNames() }
        #expect(error?.description == "fractal heap at address \(header) of the links of group '/many' passes its blocks through I/O filters (compressed dense storage), which LayerLens does not read")
    }

    /// An attribute whose name-index record says it is shared is refused, as in object headers.
    @Test func refusesSharedAttributes() throws {
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Fixtures.path("hdf5_dense/dense_attributes.h5"))))
        // `/few`'s name index is the one attribute index that is a single leaf: 10 records of 17 bytes.
        let tree = try #require(Self.places(of: "BTHD", in: bytes).first { bytes[$0 + 5] == 8 && bytes[$0 + 12] == 0 && bytes[$0 + 13] == 0 })
        let leaf = Int(bytes[(tree + 16)..<(tree + 24)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        bytes[leaf + 6 + 8] |= 0x02  // record 0's message flags: shared
        let checksum = Array(bytes[leaf..<(leaf + 6 + 10 * 17)]).withUnsafeBytes { lookup3Checksum($0) }
        bytes.replaceSubrange((leaf + 6 + 170)..<(leaf + 6 + 174), with: withUnsafeBytes(of: checksum.littleEndian, Array.init))
        let few = try HDF5File(imageOfSize: bytes.count) { $0.copyBytes(from: bytes) }.root().group("few")
        let error = #expect(throws: HDF5Error.self) { try few.attributeNames() }
        #expect(error?.description.hasSuffix("is shared, which LayerLens does not read") == true)
    }

    /// A tiny object is the bytes of its heap ID after the flag byte, as many as the flag byte's low bits say (plus one).
    @Test func readsTinyObjectsFromTheirID() throws {
        let path = Fixtures.path("hdf5_dense/dense_links.h5")
        let file = try HDF5File(path: path)
        let heapAddress = try #require(Self.places(of: "FRHP", in: [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))).first)
        let heap = try FractalHeap(at: UInt64(heapAddress), in: file.source, what: "a test")
        let id: [UInt8] = [0x20 | 4, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0]
        let tiny = try id.withUnsafeBytes { buffer in
            var object = try heap.object(id: ByteCursor(buffer, from: 0, to: buffer.count, sizes: file.source.sizes, what: "a heap ID"))
            return try object.copy(object.remaining)
        }
        #expect(tiny == Array("hello".utf8))
        let tooLong: [UInt8] = [0x20 | 7, 0, 0, 0, 0, 0, 0]
        #expect(throws: HDF5Error.self) {
            try tooLong.withUnsafeBytes { try heap.object(id: ByteCursor($0, from: 0, to: $0.count, sizes: file.source.sizes, what: "a heap ID")) }
        }
    }

    /// The doubling table places every block where summing the sizes of the
    /// blocks before it does, finds each block from any offset inside it, and
    /// gives each indirect block as many rows as span its parent's block.
    @Test(arguments: [(4, 512, 65_536, 32), (4, 1_024, 65_536, 40), (1, 64, 64, 20), (8, 256, 4_096, 24)])
    func doublingTableMatchesItsBlocks(width: Int, start: Int, maxDirect: Int, maxHeapBits: Int) throws {
        let table = try DoublingTable(width: width, startingBlockSize: UInt64(start), maxDirectBlockSize: UInt64(maxDirect),
                                      maxHeapBits: maxHeapBits, what: "a test")
        var blockStart: UInt64 = 0
        for row in 0..<table.maxRootRows {
            let size = row == 0 ? UInt64(start) : UInt64(start) << (row - 1)
            if row < table.maxDirectRows { #expect(table.directBlockSize(row: row) == Int(size)) }
            for column in 0..<width {
                #expect(table.offset(row: row, column: column) == blockStart)
                #expect(table.position(of: blockStart) == (row, column))
                #expect(table.position(of: blockStart + size - 1) == (row, column))
                blockStart += size
            }
            if row >= table.maxDirectRows {
                let rows = try table.rows(ofIndirectBlockInRow: row)
                #expect(UInt64(width * start) << (rows - 1) == size)
            }
        }
        #expect(blockStart == UInt64(1) << maxHeapBits)
    }

    // MARK: - Helpers

    /// Opens `bytes` and reads every group's members and every object's attributes, throwing at the first error.
    static func readEverything(_ bytes: [UInt8], expected: Expectations) throws {
        let root = try HDF5File(imageOfSize: bytes.count) { $0.copyBytes(from: bytes) }.root()
        for path in expected.groups.keys.sorted() { _ = try group(path, in: root).memberNames() }
        for (path, attributes) in expected.attributes.sorted(by: { $0.key < $1.key }) {
            let object = try object(path, in: root, expected: expected)
            _ = try object.attributeNames()
            for (name, values) in attributes where values != nil { _ = try object.stringsAttribute(name) }
        }
    }

    /// The byte indices where `signature` lies in `bytes`.
    static func places(of signature: String, in bytes: [UInt8]) -> [Int] {
        let wanted = Array(signature.utf8)
        return (0..<(bytes.count - wanted.count)).filter { bytes[$0..<($0 + wanted.count)].elementsEqual(wanted) }
    }

    /// The byte indices of every fractal heap header and block, and of every
    /// version-2 B-tree header and node of the types dense storage reads (1, 5, 8).
    static func denseStructures(in bytes: [UInt8]) -> [Int] {
        let heaps = ["FRHP", "FHDB", "FHIB"].flatMap { places(of: $0, in: bytes) }
        let trees = ["BTHD", "BTIN", "BTLF"].flatMap { places(of: $0, in: bytes) }.filter { $0 + 5 < bytes.count && [1, 5, 8].contains(bytes[$0 + 5]) }
        return heaps + trees
    }

    /// The group at `path` (absolute, as h5py names it).
    static func group(_ path: String, in root: HDF5Group) throws -> HDF5Group {
        path == "/" ? root : try root.group(String(path.dropFirst()))
    }

    /// The group or dataset at `path`, as h5py found it.
    static func object(_ path: String, in root: HDF5Group, expected: Expectations) throws -> HDF5Object {
        expected.groups[path] != nil ? try group(path, in: root) : try root.dataset(String(path.dropFirst()))
    }

    /// What h5py read from each file (`Fixtures/hdf5_dense/expected.json`).
    struct Expectations: Decodable {
        /// Each group's member names, sorted.
        let groups: [String: [String]]
        /// Each object's attributes: the strings of a string attribute, nil for a numeric one.
        let attributes: [String: [String: [ExpectedString]?]]
        /// A few datasets' values.
        let datasets: [String: [Double]]
    }

    /// What h5py read from `file`.
    static func expectations(_ file: String) throws -> Expectations {
        let url = URL(fileURLWithPath: Fixtures.path("hdf5_dense/expected.json"))
        let all = try JSONDecoder().decode([String: Expectations].self, from: Data(contentsOf: url))
        return try #require(all[file])
    }
}

/// One expected string: the text itself, or for a long one its UTF-8 length and 64-bit FNV-1a hash.
enum ExpectedString: Decodable, Equatable {
    case text(String)
    case digest(length: Int, fnv1a: UInt64)

    /// The expectation `text` meets, in the form the fixture script writes it.
    init(_ text: String) {
        guard text.unicodeScalars.count > 200 else { self = .text(text); return }
        let hash = text.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        self = .digest(length: text.utf8.count, fnv1a: hash)
    }

    private enum Keys: String, CodingKey { case length, fnv1a }

    /// A JSON string, or an object of `length` and `fnv1a` (a decimal string: JSON numbers lose 64-bit precision).
    init(from decoder: Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            self = .text(text)
            return
        }
        let container = try decoder.container(keyedBy: Keys.self)
        let hash = try container.decode(String.self, forKey: .fnv1a)
        guard let value = UInt64(hash) else { throw DecodingError.dataCorruptedError(forKey: .fnv1a, in: container, debugDescription: "not a number") }
        self = .digest(length: try container.decode(Int.self, forKey: .length), fnv1a: value)
    }
}

/// A small seeded generator (SplitMix64), so every run damages the same bytes.
struct SplitMix64 {
    private var state: UInt64

    /// The sequence that starts from `seed`.
    init(seed: UInt64) { state = seed }

    /// The next number of the sequence.
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var value = state
        value = (value ^ (value >> 30)) &* 0xbf58_476d_1ce4_e5b9
        value = (value ^ (value >> 27)) &* 0x94d0_49bb_1331_11eb
        return value ^ (value >> 31)
    }
}
