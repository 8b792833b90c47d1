import KafkaClient
import Testing

@Suite("Range assignor (the group leader's partition assignment)", .tags(.unit))
struct RangeAssignorTests {
    @Test("partitions are split in consecutive ranges by member id; the first members get the remainder")
    func ranges() {
        let assignment = RangeAssignor.assign(
            subscriptions: ["c": ["t"], "a": ["t", "u"], "b": ["t"]], partitionCounts: ["t": 7, "u": 2])
        #expect(assignment["a"] == [0, 1, 2].map { TopicPartitionKey(topic: "t", partition: $0) } + [0, 1].map { TopicPartitionKey(topic: "u", partition: $0) })
        #expect(assignment["b"] == [3, 4].map { TopicPartitionKey(topic: "t", partition: $0) })
        #expect(assignment["c"] == [5, 6].map { TopicPartitionKey(topic: "t", partition: $0) })
    }

    @Test("six partitions over three members are 2/2/2; unknown topics and extra members get nothing")
    func evenAndEmpty() {
        let even = RangeAssignor.assign(subscriptions: ["x": ["t"], "y": ["t"], "z": ["t"]], partitionCounts: ["t": 6])
        #expect(even.values.map(\.count).sorted() == [2, 2, 2])
        let sparse = RangeAssignor.assign(subscriptions: ["x": ["t", "gone"], "y": ["t"]], partitionCounts: ["t": 1])
        #expect(sparse["x"] == [TopicPartitionKey(topic: "t", partition: 0)])
        #expect(sparse["y"] == [])
    }
}
