import KafkaClient
import Testing

@Suite("RoundRobinAssignor (Kafka's roundrobin strategy)", .tags(.unit))
struct RoundRobinAssignorTests {
    private func names(_ partitions: [TopicPartitionKey]?) -> [String] { (partitions ?? []).map { "\($0.topic)-\($0.partition)" } }

    @Test("all partitions of all topics dealt in turn over members sorted by id (Kafka's testTwoConsumersTwoTopicsSixPartitions)")
    func twoMembersTwoTopics() {
        let result = RoundRobinAssignor.assign(
            subscriptions: ["consumer2": ["t1", "t2"], "consumer1": ["t1", "t2"]], partitionCounts: ["t1": 3, "t2": 3])
        #expect(names(result["consumer1"]) == ["t1-0", "t1-2", "t2-1"])
        #expect(names(result["consumer2"]) == ["t1-1", "t2-0", "t2-2"])
    }

    @Test("members not subscribed to a topic are skipped (Kafka's testMultipleConsumersMixedTopics)")
    func mixedSubscriptions() {
        let result = RoundRobinAssignor.assign(
            subscriptions: ["consumer1": ["t1"], "consumer2": ["t1", "t2"], "consumer3": ["t1"]], partitionCounts: ["t1": 3, "t2": 2])
        #expect(names(result["consumer1"]) == ["t1-0"])
        #expect(names(result["consumer2"]) == ["t1-1", "t2-0", "t2-1"])
        #expect(names(result["consumer3"]) == ["t1-2"])
    }

    @Test("unknown topics are skipped and every member gets an entry, possibly empty")
    func unknownTopicAndIdleMember() {
        let result = RoundRobinAssignor.assign(
            subscriptions: ["a": ["t"], "b": ["t"], "c": ["t", "missing"]], partitionCounts: ["t": 2])
        #expect(names(result["a"]) == ["t-0"])
        #expect(names(result["b"]) == ["t-1"])
        #expect(result["c"] == [])
    }

    @Test("static members sort by group.instance.id, ahead of dynamic ones (Kafka's MemberInfo)")
    func staticMembersFirst() {
        let result = RoundRobinAssignor.assign(
            subscriptions: ["a-dyn": ["t"], "z-1": ["t"], "m-2": ["t"]], partitionCounts: ["t": 3],
            groupInstanceIds: ["z-1": "instance-1", "m-2": "instance-2"])
        #expect(names(result["z-1"]) == ["t-0"])
        #expect(names(result["m-2"]) == ["t-1"])
        #expect(names(result["a-dyn"]) == ["t-2"])
    }

    @Test("partition.assignment.strategy takes protocol or class names, in order, and refuses others")
    func config() throws {
        var config = ConsumerConfig()
        #expect(config.partitionAssignmentStrategies == [.range])
        try config.set("partition.assignment.strategy", "org.apache.kafka.clients.consumer.RoundRobinAssignor, range")
        #expect(config.partitionAssignmentStrategies == [.roundRobin, .range])
        #expect(throws: KafkaClientError.self) { try config.set("partition.assignment.strategy", "sticky") }
        #expect(throws: KafkaClientError.self) { try config.set("partition.assignment.strategy", "") }
    }
}
