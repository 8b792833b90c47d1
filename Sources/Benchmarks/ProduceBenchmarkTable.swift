import Foundation

/// Renders a `ProduceBenchmarkResult` as the tables `zkafka bench produce` prints.
public enum ProduceBenchmarkTable {
    public static func render(_ result: ProduceBenchmarkResult) -> String {
        var lines: [String] = []
        func rate(_ value: Double?) -> String { value.map { String(format: "%.0f MB/s", $0 / 1e6) } ?? "-" }
        lines.append("Machine limits (same run)")
        lines.append("  sequential write, page cache : \(rate(result.diskWriteBytesPerSecond))")
        lines.append("  sequential write + fsync     : \(rate(result.diskWriteFsyncBytesPerSecond))")
        lines.append("  loopback TCP, one connection : \(rate(result.loopbackBytesPerSecond))")
        lines.append("")
        lines.append("Throughput: \(result.records) records of \(result.recordSize) bytes, \(result.partitions) partitions per topic")
        let header = ["direction", "setup", "client", "records/s", "MB/s", "target rec/s", "vs target", "disk use", "loopback use"]
        var rows: [[String]] = []
        for row in result.throughput {
            guard row.problem == nil || row.seconds.isFinite else {
                rows.append([row.direction.rawValue, row.setup, row.client, "failed", "-", target(row), "-", "-", "-"])
                continue
            }
            let copies = Double(row.copies)
            // Each record is written to `copies` logs on this one disk and crosses loopback `copies` times
            // (client → leader, leader → each follower's fetch); a consumer's bytes cross loopback once.
            let disk = row.direction == .produce ? result.diskWriteBytesPerSecond.map { row.bytesPerSecond * copies / $0 } : nil
            let loop = result.loopbackBytesPerSecond.map { row.bytesPerSecond * (row.direction == .produce ? copies : 1) / $0 }
            rows.append([
                row.direction.rawValue, row.setup, row.client + (row.problem == nil ? "" : " (!)"),
                String(format: "%.0f", row.recordsPerSecond), String(format: "%.1f", row.bytesPerSecond / 1e6),
                target(row), row.targetRecordsPerSecond.map { String(format: "%.2fx", row.recordsPerSecond / $0) } ?? "-",
                disk.map { String(format: "%.1f%%", $0 * 100) } ?? "-", loop.map { String(format: "%.1f%%", $0 * 100) } ?? "-",
            ])
        }
        lines += table(header: header, rows: rows)
        lines.append("")
        lines.append("End-to-end latency (one record per ms, send stamp to consumer receipt), target p99 <= \(ProduceBenchmark.latencyTargetP99Ms) ms")
        var latencyRows: [[String]] = []
        for latency in result.latency {
            func ms(_ value: Double) -> String { value.isFinite ? String(format: "%.2f", value) : "-" }
            latencyRows.append([
                latency.setup, "\(latency.samples)/\(latency.sent)", ms(latency.p50Ms), ms(latency.p99Ms), ms(latency.p999Ms),
                ms(latency.maxMs), latency.p99Ms.isFinite ? (latency.p99Ms <= ProduceBenchmark.latencyTargetP99Ms ? "met" : "missed") : "-",
            ])
        }
        lines += table(header: ["setup", "received", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "p99 target"], rows: latencyRows)
        let problems = result.throughput.compactMap { row in row.problem.map { "\(row.direction.rawValue) \(row.setup) \(row.client): \($0)" } }
            + result.latency.compactMap { latency in latency.problem.map { "latency \(latency.setup): \($0)" } }
            + result.notes
        if !problems.isEmpty {
            lines.append("")
            lines.append("Notes:")
            lines += problems.map { "  - \($0)" }
        }
        lines.append("")
        lines.append("disk use / loopback use: bytes moved per second x replication factor, as a share of the limit above.")
        return lines.joined(separator: "\n")
    }

    private static func target(_ row: ProduceBenchmarkResult.Throughput) -> String {
        row.targetRecordsPerSecond.map { String(format: "%.0f", $0) } ?? "-"
    }

    private static func table(header: [String], rows: [[String]]) -> [String] {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index < 3 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[index] - cell.count) + cell
            }.joined(separator: "  ")
        }
        return ["  " + line(header)] + rows.map { "  " + line($0) }
    }
}
