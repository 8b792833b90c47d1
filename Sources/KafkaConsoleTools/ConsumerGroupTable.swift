import Foundation

/// The table `kafka-consumer-groups.sh --describe` prints (Kafka 2.8 `ConsumerGroupCommand`):
/// one row per partition the group is assigned or has committed, with its lag, padded to the
/// widest value of each column (at least 15 characters).
public struct ConsumerGroupTable: Sendable {
    public struct Row: Sendable, Hashable {
        public var topic: String
        public var partition: Int32
        public var currentOffset: Int64?
        public var logEndOffset: Int64?
        public var consumerId: String?
        public var host: String?
        public var clientId: String?

        public init(
            topic: String, partition: Int32, currentOffset: Int64?, logEndOffset: Int64?, consumerId: String?, host: String?,
            clientId: String?
        ) {
            self.topic = topic
            self.partition = partition
            self.currentOffset = currentOffset
            self.logEndOffset = logEndOffset
            self.consumerId = consumerId
            self.host = host
            self.clientId = clientId
        }

        /// LOG-END-OFFSET minus CURRENT-OFFSET, unknown ("-") without both.
        public var lag: Int64? {
            guard let currentOffset, let logEndOffset else { return nil }
            return logEndOffset - currentOffset
        }
    }

    public var group: String
    public var rows: [Row]

    public init(group: String, rows: [Row]) {
        self.group = group
        self.rows = rows.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
    }

    public func render() -> String {
        func text(_ value: Int64?) -> String { value.map(String.init) ?? "-" }
        let groupWidth = max(15, group.count)
        let topicWidth = max(15, rows.map(\.topic.count).max() ?? 0)
        let consumerWidth = max(15, rows.map { ($0.consumerId ?? "-").count }.max() ?? 0)
        let hostWidth = max(15, rows.map { ($0.host ?? "-").count }.max() ?? 0)
        func line(_ columns: [String]) -> String {
            let widths = [groupWidth, topicWidth, 10, 15, 15, 15, consumerWidth, hostWidth]
            var out = ""
            for (index, column) in columns.enumerated() {
                if index < widths.count {
                    out += column.padding(toLength: max(widths[index], column.count), withPad: " ", startingAt: 0) + " "
                } else {
                    out += column
                }
            }
            return out
        }
        var lines = [""]
        lines.append(line(["GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID"]))
        for row in rows {
            lines.append(line([
                group, row.topic, String(row.partition), text(row.currentOffset), text(row.logEndOffset), text(row.lag),
                row.consumerId ?? "-", row.host ?? "-", row.clientId ?? "-",
            ]))
        }
        return lines.joined(separator: "\n")
    }
}
