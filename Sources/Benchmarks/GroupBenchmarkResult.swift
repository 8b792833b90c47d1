import Foundation

/// The figures of one `zkafka bench groups` run; nil where a phase did not complete in time.
public struct GroupBenchmarkResult: Sendable, Equatable {
    public var consumers: Int
    public var partitions: Int
    public var sessionTimeoutMs: Int
    /// kill -9 of a member → the survivors own every partition (Stable, each partition once).
    public var rebalanceAfterLossMs: Double?
    /// A new member's process started → Stable with it, every partition owned once.
    public var rebalanceAfterJoinMs: Double?
    /// kill -9 of the coordinator's broker → another broker coordinates the group, which is Stable with
    /// every partition owned and answers OffsetFetch with the committed offsets.
    public var coordinatorFailoverMs: Double?
    public var commits: Int = 0
    public var commitSeconds: Double = 0

    public init(consumers: Int, partitions: Int, sessionTimeoutMs: Int) {
        self.consumers = consumers
        self.partitions = partitions
        self.sessionTimeoutMs = sessionTimeoutMs
    }

    public var commitsPerSecond: Double? { commitSeconds > 0 ? Double(commits) / commitSeconds : nil }

    /// The table `zkafka bench groups` prints.
    public func render() -> String {
        func ms(_ value: Double?) -> String { value.map { String(format: "%.0f ms", $0) } ?? "did not complete" }
        let rows: [(String, String, String)] = [
            ("rebalance after a member is lost", ms(rebalanceAfterLossMs), "kill -9 of 1 of \(consumers) consumers; bounded below by session.timeout.ms = \(sessionTimeoutMs) ms"),
            ("rebalance after a member joins", ms(rebalanceAfterJoinMs), "from starting the consumer process (start-up included)"),
            ("coordinator failover", ms(coordinatorFailoverMs), "kill -9 of the coordinator's broker → Stable with offsets on the new one"),
            ("offset commits", commitsPerSecond.map { String(format: "%.0f /s", $0) } ?? "did not run",
             "\(commits) OffsetCommit requests one after another from one client, acks=all (RF 3)"),
        ]
        let first = max(34, rows.map(\.0.count).max() ?? 0)
        let second = max(16, rows.map(\.1.count).max() ?? 0)
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        var lines = [pad("measure", first) + "  " + pad("result", second) + "  how"]
        for row in rows { lines.append(pad(row.0, first) + "  " + pad(row.1, second) + "  " + row.2) }
        return lines.joined(separator: "\n")
    }
}
