import KafkaClient

/// What `kafka-consumer-groups.sh --reset-offsets` prints (Kafka 2.8 `printOffsetsToReset`):
/// `%-30s %-30s %-10s %-15s` of GROUP, TOPIC, PARTITION, NEW-OFFSET; nothing without offsets.
public struct OffsetResetTable: Sendable {
    public var group: String
    public var offsets: [TopicPartitionKey: Int64]

    public init(group: String, offsets: [TopicPartitionKey: Int64]) {
        self.group = group
        self.offsets = offsets
    }

    public func render() -> String {
        guard !offsets.isEmpty else { return "" }
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        func line(_ a: String, _ b: String, _ c: String, _ d: String) -> String { pad(a, 30) + " " + pad(b, 30) + " " + pad(c, 10) + " " + pad(d, 15) }
        var lines = ["", line("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET")]
        for (partition, offset) in offsets.sorted(by: { ($0.key.topic, $0.key.partition) < ($1.key.topic, $1.key.partition) }) {
            lines.append(line(group, partition.topic, String(partition.partition), String(offset)))
        }
        return lines.joined(separator: "\n")
    }
}
