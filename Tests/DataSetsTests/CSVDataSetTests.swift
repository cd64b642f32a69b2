import DataSets
import FileIO
import Foundation
import NumPyFormat
import Testing
import TestSupport

@Suite struct CSVDataSetTests {
    /// Every row and label equals what `numpy.loadtxt` read from the same file.
    @Test(arguments: [1, 7, 128, 5000])
    func readsTheLettersSampleAsNumPyDoes(batchSize: Int) throws {
        let reference = try NumPyFile.readArchive(Fixtures.path("letters/letters_sample.npz"))
        let x = try #require(reference["x"]).floats, y = try #require(reference["y"]).integers
        let data = try CSVDataSet(path: Fixtures.path("letters/letters_sample.csv"), classCount: 26, strict: true)
        var features: [Float] = [], labels: [Int] = [], batches = 0
        try data.forEachBatch(maxCount: batchSize) { batch in
            #expect(batch.featureCount == 784)
            #expect(batch.count <= batchSize)
            features += batch.features
            labels += batch.labels
            batches += 1
            return true
        }
        #expect(labels == y)
        #expect(features == x)
        #expect(batches == (1300 + batchSize - 1) / batchSize)  // the sample is one block
        #expect(data.issues.count == 0)
    }

    func write(_ text: String) throws -> String {
        let path = try Fixtures.temporaryFolder() + "/data.csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func skipsAHeaderAndReadsCRLFAndAMissingFinalNewline() throws {
        let data = try CSVDataSet(path: try write("label,p0,p1,p2\r\n3,0,128,255\r\n\r\n1,7,8,9"))
        var rows: [[Float]] = [], labels: [Int] = [], lines: [Int] = []
        try data.forEachBatch(maxCount: 10) { batch in
            rows += stride(from: 0, to: batch.features.count, by: 3).map { Array(batch.features[$0..<($0 + 3)]) }
            labels += batch.labels
            lines += batch.sampleIDs
            return true
        }
        #expect(rows == [[0, 128, 255], [7, 8, 9]])
        #expect(labels == [3, 1])
        #expect(lines == [2, 4])
    }

    @Test func reportsEachBadRowWithItsLine() throws {
        let text = "0,1,2,3\n1,2,3\n2,x,4,5\n30,1,2,3\n3,1,256,3\n1,4,5,6\n"
        let data = try CSVDataSet(path: try write(text), classCount: 26)
        var labels: [Int] = []
        try data.forEachBatch(maxCount: 4) { labels += $0.labels; return true }
        #expect(labels == [0, 1])
        #expect(data.issues.kept.map(\.line) == [2, 3, 4, 5])
        #expect(data.issues.kept.map(\.problem) == [
            "3 cells where the rows before have 4",
            "column 2: 'x' is not a whole number",
            "label 30 is outside 0..25",
            "column 3: pixel value 256 is outside 0..255",
        ])
        let strict = try CSVDataSet(path: try write(text), classCount: 26, strict: true)
        let issue = #expect(throws: DataSetIssue.self) { try strict.forEachBatch(maxCount: 4) { _ in true } }
        #expect(issue?.description.hasSuffix("data.csv: line 2: 3 cells where the rows before have 4") == true)
    }

    @Test func countsEveryBadRowButKeepsTheFirstThousand() throws {
        let text = "0,1,2\n" + String(repeating: "1,2\n", count: 1500) + "1,5,6\n"
        let data = try CSVDataSet(path: try write(text))
        var labels: [Int] = []
        try data.forEachBatch(maxCount: 10) { labels += $0.labels; return true }
        #expect(labels == [0, 1])
        #expect(data.issues.count == 1500)
        #expect(data.issues.kept.count == IssueLog.limit)
        #expect(data.issues.kept.first?.line == 2)
        #expect(data.issues.kept.last?.line == 1001)
    }

    @Test func refusesEmptyAndMissingFiles() throws {
        let empty = try CSVDataSet(path: try write(""))
        let error = #expect(throws: FileError.self) { try empty.forEachBatch(maxCount: 4) { _ in true } }
        #expect(error?.problem == "holds no data rows")
        #expect(throws: FileError.self) { try CSVDataSet(path: "/no/such/data.csv") }
    }
}
