import KafkaConsoleTools
import Testing

@Suite("kafka-consumer-groups --describe table", .tags(.unit))
struct ConsumerGroupTableTests {
    @Test("rows are sorted by topic and partition, lag is end minus committed, unknowns print '-'")
    func render() {
        let table = ConsumerGroupTable(group: "g", rows: [
            .init(topic: "t", partition: 1, currentOffset: nil, logEndOffset: 7, consumerId: nil, host: nil, clientId: nil),
            .init(topic: "t", partition: 0, currentOffset: 5, logEndOffset: 9, consumerId: "rdkafka-1", host: "/127.0.0.1", clientId: "rdkafka"),
        ])
        let lines = table.render().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "")
        #expect(lines[1].hasPrefix("GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID"))
        #expect(lines[2].split(separator: " ") == ["g", "t", "0", "5", "9", "4", "rdkafka-1", "/127.0.0.1", "rdkafka"])
        #expect(lines[3].split(separator: " ") == ["g", "t", "1", "-", "7", "-", "-", "-", "-"])
        #expect(table.rows[0].lag == 4)
    }
}
