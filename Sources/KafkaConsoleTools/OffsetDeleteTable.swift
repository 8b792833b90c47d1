/// What `kafka-consumer-groups.sh --delete-offsets` prints after its summary line (Kafka 2.8
/// `deleteOffsets`): `%-30s %-15s %-15s` of TOPIC, PARTITION ("Not Provided" for an unknown topic),
/// STATUS ("Successful" or "Error: <message>").
public struct OffsetDeleteTable: Sendable {
    public struct Row: Sendable, Hashable {
        public var topic: String
        /// -1: the topic is unknown, so it has no partitions.
        public var partition: Int32
        /// nil: deleted.
        public var error: String?

        public init(topic: String, partition: Int32, error: String?) {
            self.topic = topic
            self.partition = partition
            self.error = error
        }
    }

    public var rows: [Row]

    public init(rows: [Row]) {
        // Kafka sorts by topic + partition as one string.
        self.rows = rows.sorted { ($0.topic + String($0.partition)) < ($1.topic + String($1.partition)) }
    }

    public func render() -> String {
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        func line(_ a: String, _ b: String, _ c: String) -> String { pad(a, 30) + " " + pad(b, 15) + " " + pad(c, 15) }
        var lines = ["", line("TOPIC", "PARTITION", "STATUS")]
        for row in rows {
            lines.append(line(row.topic, row.partition >= 0 ? String(row.partition) : "Not Provided", row.error.map { "Error: \($0)" } ?? "Successful"))
        }
        return lines.joined(separator: "\n")
    }
}
