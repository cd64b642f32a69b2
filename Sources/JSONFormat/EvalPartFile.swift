import Analysis
import FileIO
import Foundation

/// The part file `eval --part` writes and `merge` reads: `EvalStatistics` as JSON.
public enum EvalPartFile {
    /// Part files hold counts and sums, a few MB even for wide models; anything
    /// past this is not one.
    public static let sizeLimit = 1 << 30

    /// Reads a part; throws `FileError` for a file that is not one.
    public static func read(_ path: String) throws -> EvalStatistics {
        let handle = try openRegularFile(path)
        let size = Int((try? handle.seekToEnd()) ?? 0)
        guard size <= sizeLimit else {
            throw FileError(path, "is \(size >> 20) MiB; an eval part file is a few MB, so this is not one")
        }
        let data: Data
        do {
            try handle.seek(toOffset: 0)
            data = try handle.readToEnd() ?? Data()
        } catch {
            throw FileError(path, "cannot be read (\(error.localizedDescription))")
        }
        struct Version: Decodable { let formatVersion: Int }
        if let version = try? JSONDecoder().decode(Version.self, from: data), version.formatVersion != EvalStatistics.formatVersion {
            throw FileError(path, "is an eval part file of format \(version.formatVersion); this layerlens reads format \(EvalStatistics.formatVersion)")
        }
        let statistics: EvalStatistics
        do {
            statistics = try JSONDecoder().decode(EvalStatistics.self, from: data)
        } catch {
            throw FileError(path, "is not an eval part file (written by `layerlens eval --part`): \(decodingProblem(error))")
        }
        if let problem = statistics.inconsistency { throw FileError(path, "is a damaged eval part file: \(problem)") }
        return statistics
    }

    /// The part's bytes: compact JSON.
    public static func encode(_ statistics: EvalStatistics) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(statistics)
    }

    /// Merges parts in the order given; throws when they do not belong together.
    public static func merge(_ parts: [(path: String, statistics: EvalStatistics)]) throws -> EvalStatistics {
        guard var merged = parts.first?.statistics else { throw EvalMergeError("no parts to merge") }
        for part in parts.dropFirst() {
            do { merged = try merged.merged(with: part.statistics) } catch let error as EvalMergeError {
                throw FileError(part.path, "cannot be merged with the parts before it: \(error.description)")
            }
        }
        return merged
    }

    private static func decodingProblem(_ error: Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(key, _): "no \(quoted(key.stringValue))"
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context), let DecodingError.dataCorrupted(context):
            context.debugDescription
        default: "not JSON"
        }
    }
}
