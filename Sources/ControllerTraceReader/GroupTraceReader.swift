import Foundation
import KafkaGroupCoordinator

/// Reads the group coordinators' `group-coordinator-trace.jsonl` files (one per broker, written
/// beside `controller-trace.jsonl`) into one time-ordered list. Pure apart from reading the files.
public enum GroupTraceReader {
    public static let fileName = "group-coordinator-trace.jsonl"

    /// Parses one file's text; malformed lines become problems and are skipped.
    public static func parse(_ text: String, file: String) -> (records: [GroupTraceRecord], problems: [TraceProblem]) {
        let decoder = JSONDecoder()
        var records: [GroupTraceRecord] = []
        var problems: [TraceProblem] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            do {
                records.append(try decoder.decode(GroupTraceRecord.self, from: Data(line.utf8)))
            } catch {
                problems.append(TraceProblem(file: file, line: index + 1, message: "malformed group trace line skipped"))
            }
        }
        return (records, problems)
    }

    /// Every file's records, ordered by time (ties: broker, then file order). Missing files are skipped
    /// (a broker that never coordinated a group has none).
    public static func read(_ paths: [String]) -> (records: [GroupTraceRecord], problems: [TraceProblem]) {
        var all: [GroupTraceRecord] = []
        var problems: [TraceProblem] = []
        for path in paths where FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path) else {
                problems.append(TraceProblem(file: path, line: 0, message: "cannot read the file"))
                continue
            }
            let parsed = parse(String(decoding: data, as: UTF8.self), file: path)
            all += parsed.records
            problems += parsed.problems
        }
        let sorted = all.enumerated().sorted { a, b in
            if a.element.timeMs != b.element.timeMs { return a.element.timeMs < b.element.timeMs }
            if a.element.broker != b.element.broker { return a.element.broker < b.element.broker }
            return a.offset < b.offset
        }
        return (sorted.map(\.element), problems)
    }
}
