import KafkaClient
import KafkaConsoleTools
import Testing

@Suite("kafka-consumer-groups --members / --state / --reset-offsets / --delete-offsets tables", .tags(.unit))
struct ConsumerGroupsTablesTests {
    private func lines(_ text: String) -> [String] { text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

    @Test("members: widths of at least 15, #PARTITIONS, verbose ASSIGNMENT sorted, '-' when empty")
    func members() {
        let table = ConsumerGroupMembersTable(
            group: "g",
            members: [
                .init(consumerId: "c-1", groupInstanceId: nil, host: "/127.0.0.1", clientId: "c", assignment: ["t2": [1], "t1": [2, 0]]),
                .init(consumerId: "c-2", groupInstanceId: nil, host: "/127.0.0.1", clientId: "c", assignment: [:]),
            ],
            verbose: true)
        let out = lines(table.render())
        #expect(out[0] == "")
        #expect(out[1] == "GROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT")
        #expect(out[2] == "g               c-1             /127.0.0.1      c               3               t1(0,2),t2(1)")
        #expect(out[3] == "g               c-2             /127.0.0.1      c               0               -")
        let plain = lines(ConsumerGroupMembersTable(group: "g", members: table.members, verbose: false).render())
        #expect(plain[1] == "GROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     ")
    }

    @Test("members: the GROUP-INSTANCE-ID column appears when a member is static")
    func staticMembers() {
        let table = ConsumerGroupMembersTable(
            group: "g", members: [.init(consumerId: "c-1", groupInstanceId: "i-1", host: "h", clientId: "c", assignment: ["t": [0]])],
            verbose: false)
        #expect(lines(table.render())[1].split(separator: " ") == ["GROUP", "CONSUMER-ID", "GROUP-INSTANCE-ID", "HOST", "CLIENT-ID", "#PARTITIONS"])
        #expect(lines(table.render())[2].split(separator: " ") == ["g", "c-1", "i-1", "h", "c", "1"])
    }

    @Test("state: COORDINATOR (ID) as host:port (id), first column at least 25 wide")
    func state() {
        let out = lines(ConsumerGroupStateTable(
            group: "g", coordinatorHost: "localhost", coordinatorPort: 9092, coordinatorId: 2, assignmentStrategy: "range", state: "Stable",
            memberCount: 3
        ).render())
        #expect(out[1] == "GROUP                     COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS")
        #expect(out[2] == "g                         localhost:9092 (2)        range                Stable          3")
    }

    @Test("reset: %-30s %-30s %-10s %-15s sorted by topic and partition; nothing without offsets")
    func reset() {
        let out = lines(OffsetResetTable(
            group: "g", offsets: [.init(topic: "t", partition: 1): 7, .init(topic: "t", partition: 0): 3]
        ).render())
        #expect(out.count == 4)
        #expect(out[1].hasPrefix("GROUP" + String(repeating: " ", count: 26) + "TOPIC"))
        #expect(out[2].split(separator: " ") == ["g", "t", "0", "3"])
        #expect(out[3].split(separator: " ") == ["g", "t", "1", "7"])
        #expect(OffsetResetTable(group: "g", offsets: [:]).render() == "")
    }

    @Test("delete-offsets: Successful, Error: message, Not Provided for unknown topics")
    func deleteOffsets() {
        let out = lines(OffsetDeleteTable(rows: [
            .init(topic: "t", partition: 1, error: "The consumer group is actively subscribed to the topic"),
            .init(topic: "t", partition: 0, error: nil),
            .init(topic: "nope", partition: -1, error: "This server does not host this topic-partition."),
        ]).render())
        #expect(out[1].split(separator: " ") == ["TOPIC", "PARTITION", "STATUS"])
        #expect(out[2].hasPrefix("nope" + String(repeating: " ", count: 27) + "Not Provided    Error: This server"))
        #expect(out[3].split(separator: " ") == ["t", "0", "Successful"])
        #expect(out[4].hasPrefix("t" + String(repeating: " ", count: 30) + "1               Error: The consumer group"))
    }

    @Test("--delete prints Kafka's exception text for a non-empty and an unknown group")
    func deleteText() {
        #expect(ConsumerGroupsErrorText.deleteFailure(.nonEmptyGroup)
            == "java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.")
        #expect(ConsumerGroupsErrorText.deleteFailure(.groupIDNotFound)
            == "java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.")
    }
}
