import FileIO
import Foundation
import HDF5
import HDF5Oracle
import Testing
import TestSupport

/// The HDF5 module (the reader under test) against libhdf5 (`HDF5Oracle`, the
/// expectation) on every HDF5 file among the fixtures: both walk the whole tree
/// and must agree on every group's members, every object's attributes and
/// string values, and every dataset's shape, stored size and values, bit for
/// bit; where libhdf5 fails (a numeric attribute read as strings, a dataset
/// opened as a group, a dataset that stores nothing), the reader must fail too.
@Suite struct OracleParityTests {
    /// Every HDF5 file (`.h5`, and `model.weights.h5` inside each `.keras`),
    /// each opened by both readers in each way the reader may be asked to.
    @Test(arguments: ParityFixtures.files)
    func readsEachFixtureAsLibHDF5Does(file: String) throws {
        for opening in try ParityFixtures.openings(of: file) {
            let actual: HDF5Group
            switch opening.actual {
            case .value(let root): actual = root
            case .failure(let error):
                Issue.record("\(file) (\(opening.how)): libhdf5 opens it, the reader throws \(error)")
                continue
            }
            var walk = ParityWalk()
            do {
                try walk.compare(expected: opening.expected, actual: actual)
            } catch let mismatch as ParityMismatch {
                Issue.record("\(file) (\(opening.how)): first difference at \(mismatch)")
                continue
            }
            #expect(walk.groups >= 1 && walk.datasets + walk.attributes >= 1, "\(file) (\(opening.how)): nothing compared")
        }
    }

    /// The comparison covers what it is meant to: every folder contributes
    /// files, archives among them, and the format fixtures give many groups,
    /// attributes, strings, values and failures both readers agree on.
    @Test func coversTheFixtures() throws {
        let files = ParityFixtures.files
        for folder in ParityFixtures.folders {
            #expect(files.contains { $0.hasPrefix(folder + "/") }, "no HDF5 file under Fixtures/\(folder)")
        }
        #expect(files.count(where: { $0.hasPrefix("hdf5/") }) == 38)
        #expect(files.count(where: { $0.hasSuffix(".keras") }) >= 20)
        #expect(!files.contains { $0.hasPrefix("hostile/") })
        var walk = ParityWalk()
        for file in files where file.hasPrefix("hdf5/") {
            let opening = try ParityFixtures.openings(of: file)[0]
            try walk.compare(expected: opening.expected, actual: try opening.actual.get())
        }
        // What the 38 files held when written: 166 groups, 485 datasets, 235
        // attributes, 1,291 strings, 15,516 values, 2,963 agreed failures.
        #expect(walk.groups >= 160)
        #expect(walk.datasets >= 480)
        #expect(walk.attributes >= 230)
        #expect(walk.strings >= 1_250)
        #expect(walk.values >= 15_000)
        #expect(walk.agreedFailures >= 2_500)

    }

    /// A reader made wrong in one answer is caught, at the place it is wrong:
    /// the walk does compare what it claims to.
    @Test(arguments: [
        ("hdf5/attributes_strings_earliest.h5", Tamper.flipLowestBit(dataset: "/dataset", index: 1)),
        ("hdf5/attributes_strings_earliest.h5", Tamper.changeShape(dataset: "/dataset")),
        ("hdf5/attributes_strings_earliest.h5", Tamper.changeStorageBytes(dataset: "/dataset")),
        ("hdf5/attributes_strings_earliest.h5", Tamper.dropLastMember(group: "/")),
        ("hdf5/attributes_strings_earliest.h5", Tamper.changeString(object: "/group", attribute: "vlen_utf8_array")),
        ("hdf5/attributes_strings_earliest.h5", Tamper.changeString(object: "/", attribute: "fixed_spacepad")),
        ("hdf5/attributes_strings_earliest.h5", Tamper.stringsFromNumbers(object: "/dataset", attribute: "float64_array")),
        ("hdf5/attributes_strings_earliest.h5", Tamper.hideAttribute(object: "/group", attribute: "vlen_empty_array")),
        ("hdf5/dataset_types.h5", Tamper.flipLowestBit(dataset: "/float64", index: 40)),
        ("models/seed_tf2.h5", Tamper.flipLowestBit(dataset: "/model_weights/dense_2/dense_2/kernel:0", index: 14_999)),
        ("models/seed_k3.keras", Tamper.dropLastMember(group: "/layers/dense_4/vars")),
    ])
    func catchesAWrongReader(file: String, tamper: Tamper) throws {
        let opening = try ParityFixtures.openings(of: file)[0]
        var untouched = ParityWalk()
        try untouched.compare(expected: opening.expected, actual: TamperedGroup(try opening.actual.get(), path: "/", tamper: nil))
        var walk = ParityWalk()
        do {
            try walk.compare(expected: opening.expected, actual: TamperedGroup(try opening.actual.get(), path: "/", tamper: tamper))
            Issue.record("\(file): \(tamper) went unnoticed")
        } catch let mismatch as ParityMismatch {
            #expect(mismatch.path == tamper.path, "\(mismatch)")
        }
    }
}

// MARK: - The fixtures

/// Which fixture files are compared, and how each is opened.
enum ParityFixtures {
    /// The folders under `Fixtures/` whose HDF5 files are compared (not `hostile/`:
    /// libhdf5 itself crashes on some of those).
    static let folders = ["hdf5", "models", "old_keras", "applications", "deep"]
    /// Larger files are left out, to keep the test quick.
    static let sizeLimit = 60 << 20

    /// Each `.h5` and `.keras` file under `folders`, as a path under `Fixtures/`, in name order.
    static let files: [String] = folders.flatMap { folder -> [String] in
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: Fixtures.path(folder))
        while let relative = enumerator?.nextObject() as? String {
            guard relative.hasSuffix(".h5") || relative.hasSuffix(".keras") else { continue }
            let file = folder + "/" + relative
            let size = (try? FileManager.default.attributesOfItem(atPath: Fixtures.path(file))[.size] as? NSNumber)?.intValue ?? 0
            if size <= sizeLimit { found.append(file) }
        }
        return found.sorted()
    }

    /// One file opened by both readers the same way: libhdf5's root group, and
    /// the reader's or the error it threw.
    struct Opening {
        let how: String
        let expected: LibHDF5Group
        let actual: Outcome<HDF5Group>
    }

    /// The ways `file` is opened. A `.keras` file's `model.weights.h5` as
    /// `KerasModelReader` opens it: in place from its byte range when stored
    /// (its CRC checked first), unpacked into memory when deflated. An `.h5`
    /// file from disk, and the format fixtures (`hdf5/`) also in place from a
    /// byte range and from a copy in memory.
    static func openings(of file: String) throws -> [Opening] {
        let path = Fixtures.path(file)
        if file.hasSuffix(".keras") {
            let zip = try ZipFile(path: path)
            let member = try zip.member("model.weights.h5")
            if member.isStored {
                try zip.verify(member.name)
                return [Opening(how: "model.weights.h5 in place", expected: try LibHDF5File(path: path, byteRange: member.dataRange).root(),
                                actual: Outcome { try HDF5File(path: path, byteRange: member.dataRange).root() })]
            }
            let unpack: (UnsafeMutableRawBufferPointer) throws -> Void = { try zip.unpack(member.name, into: $0) }
            return [Opening(how: "model.weights.h5 unpacked", expected: try LibHDF5File(imageOfSize: member.uncompressedSize, fill: unpack).root(),
                            actual: Outcome { try HDF5File(imageOfSize: member.uncompressedSize, fill: unpack).root() })]
        }
        let expected = try LibHDF5File(path: path).root()
        var openings = [Opening(how: "from disk", expected: expected, actual: Outcome { try HDF5File(path: path).root() })]
        if file.hasPrefix("hdf5/") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            openings.append(Opening(how: "as a byte range", expected: expected,
                                    actual: Outcome { try HDF5File(path: path, byteRange: 0..<bytes.count).root() }))
            openings.append(Opening(how: "from memory", expected: expected,
                                    actual: Outcome { try HDF5File(imageOfSize: bytes.count) { $0.copyBytes(from: bytes) }.root() }))
        }
        return openings
    }
}

// MARK: - The walk

/// What the walk asks of an HDF5 object: the HDF5 module's public API, which
/// the oracle copies. Every requirement throws, so that a method that does not
/// throw also satisfies it.
protocol ParityObject {
    func hasAttribute(_ name: String) throws -> Bool
    func attributeNames() throws -> [String]
    func stringsAttribute(_ name: String) throws -> [String]
    func stringAttribute(_ name: String) throws -> String
}

/// A dataset, as the walk reads it.
protocol ParityDataset: ParityObject {
    func shape() throws -> [Int]
    func storageBytes() throws -> Int
    func readFloats() throws -> [Float]
}

/// A group, as the walk reads it.
protocol ParityGroup: ParityObject {
    associatedtype Group: ParityGroup
    associatedtype Dataset: ParityDataset
    func contains(_ relativePath: String) throws -> Bool
    func group(_ relativePath: String) throws -> Group
    func dataset(_ relativePath: String) throws -> Dataset
    func memberNames() throws -> [String]
}

extension HDF5Group: ParityGroup {}
extension HDF5Dataset: ParityDataset {}
extension LibHDF5Group: ParityGroup {}
extension LibHDF5Dataset: ParityDataset {}

/// A reader's answer to one question: a value, or the error it threw.
enum Outcome<Value> {
    case value(Value)
    case failure(String)

    init(_ body: () throws -> Value) {
        do { self = .value(try body()) } catch { self = .failure(String(describing: error)) }
    }

    var value: Value? {
        if case .value(let value) = self { value } else { nil }
    }

    func get() throws -> Value {
        switch self {
        case .value(let value): return value
        case .failure(let error): throw ParityMismatch(path: "", difference: error)
        }
    }
}

/// The first place where the reader and libhdf5 disagree: the object's path in
/// the file and what differs.
struct ParityMismatch: Error, CustomStringConvertible {
    let path: String
    let difference: String
    var description: String { "\(path): \(difference)" }
}

/// Walks one file with libhdf5 (`expected`) and the reader (`actual`) in step,
/// throwing at the first difference, and counts what it compared.
struct ParityWalk {
    private(set) var groups = 0, datasets = 0, attributes = 0, strings = 0, values = 0
    /// Questions both readers failed to answer (as they must, where libhdf5 fails).
    private(set) var agreedFailures = 0
    /// Deeper than this, a group is taken to be inside a cycle of hard links.
    static let depthLimit = 100
    /// A name no fixture uses, for the questions about what is not there.
    static let absentName = "no such name ✗"

    /// Compares the trees below two root groups.
    mutating func compare(expected: any ParityGroup, actual: any ParityGroup) throws {
        try compareGroup(expected, actual, path: "/", relative: "", roots: (expected, actual), depth: 0)
    }

    private mutating func compareGroup(_ expected: any ParityGroup, _ actual: any ParityGroup, path: String, relative: String,
                                       roots: (expected: any ParityGroup, actual: any ParityGroup), depth: Int) throws {
        groups += 1
        try compareAttributes(expected, actual, path: path)
        let members = try same(Outcome { try expected.memberNames() }, Outcome { try actual.memberNames() }, at: path, "member names")
        for name in members ?? [] {
            let childPath = path == "/" ? "/" + name : path + "/" + name
            let childRelative = relative.isEmpty ? name : relative + "/" + name
            let opened = try compareLookups(name, in: expected, actual, at: childPath)
            if !relative.isEmpty {  // by its whole path from the root, as Keras files are read
                _ = try compareLookups(childRelative, in: roots.expected, roots.actual, at: childPath + " (from the root)")
            }
            if case let (expectedGroup, actualGroup)? = opened.groups {
                guard depth < Self.depthLimit else { throw ParityMismatch(path: childPath, difference: "groups nested over \(Self.depthLimit) deep") }
                try compareGroup(expectedGroup, actualGroup, path: childPath, relative: childRelative, roots: roots, depth: depth + 1)
            }
            if case let (expectedDataset, actualDataset)? = opened.datasets {
                try compareDataset(expectedDataset, actualDataset, path: childPath)
            }
        }
        _ = try compareLookups(Self.absentName, in: expected, actual, at: path + "/" + Self.absentName)
    }

    /// Whether both readers see `name` below a group, and open it as a group
    /// and as a dataset alike; what each opened.
    private mutating func compareLookups(_ name: String, in expected: any ParityGroup, _ actual: any ParityGroup, at path: String) throws
        -> (groups: (any ParityGroup, any ParityGroup)?, datasets: (any ParityDataset, any ParityDataset)?) {
        _ = try same(Outcome { try expected.contains(name) }, Outcome { try actual.contains(name) }, at: path, "contains")
        let groups = try sameSuccess(Outcome { try expected.group(name) as any ParityGroup }, Outcome { try actual.group(name) as any ParityGroup },
                                     at: path, "opening as a group")
        let datasets = try sameSuccess(Outcome { try expected.dataset(name) as any ParityDataset }, Outcome { try actual.dataset(name) as any ParityDataset },
                                       at: path, "opening as a dataset")
        return (groups, datasets)
    }

    private mutating func compareAttributes(_ expected: any ParityObject, _ actual: any ParityObject, path: String) throws {
        let names = try same(Outcome { try expected.attributeNames() }, Outcome { try actual.attributeNames() }, at: path, "attribute names")
        for name in (names ?? []) + [Self.absentName] {
            let attribute = "attribute \(quoted(name))"
            if name != Self.absentName { attributes += 1 }
            _ = try same(Outcome { try expected.hasAttribute(name) }, Outcome { try actual.hasAttribute(name) }, at: path, "\(attribute): hasAttribute")
            if let list = try same(Outcome { try expected.stringsAttribute(name) }, Outcome { try actual.stringsAttribute(name) }, at: path, "\(attribute) as strings") {
                strings += list.count
            }
            _ = try same(Outcome { try expected.stringAttribute(name) }, Outcome { try actual.stringAttribute(name) }, at: path, "\(attribute) as one string")
        }
    }

    private mutating func compareDataset(_ expected: any ParityDataset, _ actual: any ParityDataset, path: String) throws {
        datasets += 1
        try compareAttributes(expected, actual, path: path)
        _ = try same(Outcome { try expected.shape() }, Outcome { try actual.shape() }, at: path, "shape")
        _ = try same(Outcome { try expected.storageBytes() }, Outcome { try actual.storageBytes() }, at: path, "storageBytes")
        let expectedBits = Outcome { try expected.readFloats().map(\.bitPattern) }, actualBits = Outcome { try actual.readFloats().map(\.bitPattern) }
        guard let wanted = expectedBits.value, let got = actualBits.value else {
            _ = try sameSuccess(expectedBits, actualBits, at: path, "readFloats")
            return
        }
        guard wanted.count == got.count else {
            throw ParityMismatch(path: path, difference: "readFloats: libhdf5 reads \(wanted.count) values, the reader \(got.count)")
        }
        // Bit for bit, except that any NaN matches any NaN: libhdf5's conversions
        // change NaN payloads in ways of their own (a float16 NaN becomes 0x7fffffff).
        func isNaN(_ bits: UInt32) -> Bool { Float(bitPattern: bits).isNaN }
        if let index = wanted.indices.first(where: { wanted[$0] != got[$0] && !(isNaN(wanted[$0]) && isNaN(got[$0])) }) {
            func shown(_ bits: UInt32) -> String { "\(Float(bitPattern: bits)) (0x\(String(bits, radix: 16)))" }
            throw ParityMismatch(path: path, difference: "readFloats: value [\(index)] of \(wanted.count) is \(shown(wanted[index])) to libhdf5, \(shown(got[index])) to the reader")
        }
        values += wanted.count
    }

    /// The value both readers agree on, nil when both failed; throws when one
    /// failed and the other did not, or their values differ.
    private mutating func same<T: Equatable>(_ expected: Outcome<T>, _ actual: Outcome<T>, at path: String, _ what: String) throws -> T? {
        switch (expected, actual) {
        case (.value(let wanted), .value(let got)):
            guard wanted == got else { throw ParityMismatch(path: path, difference: "\(what): libhdf5 gives \(shown(wanted)), the reader \(shown(got))") }
            return wanted
        default:
            return try sameSuccess(expected, actual, at: path, what)?.0
        }
    }

    /// Both values when both readers answered, nil when both failed; throws when only one failed.
    private mutating func sameSuccess<E, A>(_ expected: Outcome<E>, _ actual: Outcome<A>, at path: String, _ what: String) throws -> (E, A)? {
        switch (expected, actual) {
        case (.value(let wanted), .value(let got)): return (wanted, got)
        case (.failure, .failure): agreedFailures += 1; return nil
        case (.value(let wanted), .failure(let error)):
            throw ParityMismatch(path: path, difference: "\(what): libhdf5 gives \(shown(wanted)), the reader throws \(error)")
        case (.failure(let error), .value(let got)):
            throw ParityMismatch(path: path, difference: "\(what): libhdf5 throws (\(error)), the reader gives \(shown(got))")
        }
    }

    private func shown(_ value: Any) -> String {
        let text = String(describing: value)
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }
}

// MARK: - A reader made wrong on purpose

/// One wrong answer, and the object path where the walk must report it.
enum Tamper: Sendable {
    case flipLowestBit(dataset: String, index: Int)
    case changeShape(dataset: String)
    case changeStorageBytes(dataset: String)
    case dropLastMember(group: String)
    case changeString(object: String, attribute: String)
    /// A numeric attribute read as strings gives none instead of failing.
    case stringsFromNumbers(object: String, attribute: String)
    case hideAttribute(object: String, attribute: String)

    var path: String {
        switch self {
        case .flipLowestBit(let path, _), .changeShape(let path), .changeStorageBytes(let path), .dropLastMember(let path),
             .changeString(let path, _), .stringsFromNumbers(let path, _), .hideAttribute(let path, _):
            path
        }
    }
}

/// The reader's object with `tamper` applied where it names this object.
class TamperedObject {
    let base: any ParityObject
    let path: String
    let tamper: Tamper?

    init(_ base: any ParityObject, path: String, tamper: Tamper?) {
        self.base = base
        self.path = path
        self.tamper = tamper
    }

    func hasAttribute(_ name: String) throws -> Bool { try base.hasAttribute(name) }

    func attributeNames() throws -> [String] {
        var names = try base.attributeNames()
        if case .hideAttribute(path, let hidden) = tamper { names.removeAll { $0 == hidden } }
        return names
    }

    func stringsAttribute(_ name: String) throws -> [String] {
        switch tamper {
        case .changeString(path, name)?:
            let strings = try base.stringsAttribute(name)
            return strings.isEmpty ? ["!"] : strings.dropLast() + [strings.last! + "!"]
        case .stringsFromNumbers(path, name)?:
            return (try? base.stringsAttribute(name)) ?? []
        default:
            return try base.stringsAttribute(name)
        }
    }

    func stringAttribute(_ name: String) throws -> String { try base.stringAttribute(name) }

    func childPath(_ relativePath: String) -> String { path == "/" ? "/" + relativePath : path + "/" + relativePath }
}

/// A tampered group, whose members are tampered too.
final class TamperedGroup: TamperedObject, ParityGroup {
    let group: any ParityGroup

    init(_ group: any ParityGroup, path: String, tamper: Tamper?) {
        self.group = group
        super.init(group, path: path, tamper: tamper)
    }

    func contains(_ relativePath: String) throws -> Bool { try group.contains(relativePath) }

    func group(_ relativePath: String) throws -> TamperedGroup {
        TamperedGroup(try group.group(relativePath), path: childPath(relativePath), tamper: tamper)
    }

    func dataset(_ relativePath: String) throws -> TamperedDataset {
        TamperedDataset(try group.dataset(relativePath), path: childPath(relativePath), tamper: tamper)
    }

    func memberNames() throws -> [String] {
        let names = try group.memberNames()
        if case .dropLastMember(path)? = tamper { return names.dropLast() }
        return names
    }
}

/// A tampered dataset.
final class TamperedDataset: TamperedObject, ParityDataset {
    let dataset: any ParityDataset

    init(_ dataset: any ParityDataset, path: String, tamper: Tamper?) {
        self.dataset = dataset
        super.init(dataset, path: path, tamper: tamper)
    }

    func shape() throws -> [Int] {
        let shape = try dataset.shape()
        if case .changeShape(path)? = tamper { return shape + [1] }
        return shape
    }

    func storageBytes() throws -> Int {
        let bytes = try dataset.storageBytes()
        if case .changeStorageBytes(path)? = tamper { return bytes + 1 }
        return bytes
    }

    func readFloats() throws -> [Float] {
        var values = try dataset.readFloats()
        if case .flipLowestBit(path, let index)? = tamper { values[index] = Float(bitPattern: values[index].bitPattern ^ 1) }
        return values
    }
}
