import Foundation
import LocalCluster

/// `zkafka compare`'s printed table and CSV file: a row per partition count and mode.
public enum ModeComparisonReport {
    public static func table(_ rows: [ModeComparisonRow]) -> String {
        var cells = [["N", "mode"] + ModeComparisonRow.columns.map(\.title)]
        for row in sorted(rows) {
            cells.append([String(row.partitions), row.mode.rawValue] + ModeComparisonRow.columns.enumerated().map { index, column in
                format(column.value(row), rate: column.csv.contains("per_s"), megabytes: column.csv.hasSuffix("_mb"))
            })
        }
        let widths = (0..<cells[0].count).map { column in cells.map { $0[column].count }.max() ?? 0 }
        var lines = cells.map { row in row.enumerated().map { $1.leftPadded(widths[$0]) }.joined(separator: "  ") }
        lines.append("")
        lines.append("Detection: ZooKeeper mode — session expiry (zookeeper.session.timeout.ms); KRaft — the controllers' fetch timeout")
        lines.append("(controller.quorum.fetch.timeout.ms, then an election) for a controller, broker.session.timeout.ms (fencing) for a broker.")
        lines.append("new ctrl, metadata on all and re-led count from detection; ctl shutdown from SIGTERM; propagation: one new topic to every broker.")
        let notes = rows.flatMap(\.notes)
        if !notes.isEmpty { lines += notes.map { "note: \($0)" } }
        return lines.joined(separator: "\n")
    }

    /// RFC 4180 CSV: `partitions,mode,<columns>`, empty cells for figures not measured, notes last (quoted).
    public static func csv(_ rows: [ModeComparisonRow]) -> String {
        var lines = [(["partitions", "mode"] + ModeComparisonRow.columns.map(\.csv) + ["notes"]).joined(separator: ",")]
        for row in sorted(rows) {
            let figures = ModeComparisonRow.columns.map { column in column.value(row).map { String(format: "%.3f", $0) } ?? "" }
            let notes = "\"" + row.notes.joined(separator: "; ").replacingOccurrences(of: "\"", with: "\"\"") + "\""
            lines.append(([String(row.partitions), row.mode.rawValue] + figures + [notes]).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func sorted(_ rows: [ModeComparisonRow]) -> [ModeComparisonRow] {
        rows.sorted { ($0.partitions, $0.mode == .zookeeper ? 0 : 1) < ($1.partitions, $1.mode == .zookeeper ? 0 : 1) }
    }

    static func format(_ value: Double?, rate: Bool, megabytes: Bool) -> String {
        guard let value else { return "-" }
        if rate { return String(format: "%.0f", value) }
        if megabytes { return String(format: "%.0f", value) }
        return String(format: "%.2f s", value)
    }
}
