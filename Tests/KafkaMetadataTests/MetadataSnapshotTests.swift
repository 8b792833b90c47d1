import KafkaModel
import Testing
@testable import KafkaMetadata

@Suite(.tags(.unit)) struct MetadataSnapshotTests {
    private func broker(_ id: BrokerID) -> BrokerInfo {
        BrokerInfo(
            id: id, endpoints: [BrokerEndpoint(listenerName: "PLAINTEXT", host: "127.0.0.1", port: 9090 + id, securityProtocol: "PLAINTEXT")],
            epoch: Int64(id) * 100)
    }

    private func state(_ topic: String, _ partition: Int32, leader: BrokerID, epoch: Int32 = 0) -> UpdateMetadataPartitionState {
        UpdateMetadataPartitionState(
            topicPartition: TopicPartition(topic: topic, partition: partition),
            leadership: LeaderISRAndControllerEpoch(leader: leader, leaderEpoch: epoch, isr: [1, 2], zkVersion: epoch, controllerEpoch: 1),
            replicas: [1, 2])
    }

    @Test func update_replacesBrokers_upsertsPartitions_andSetsController() {
        let cache = MetadataCache()
        #expect(cache.snapshot.controllerID == nil)
        cache.apply(MetadataUpdate(controllerID: 2, controllerEpoch: 1, liveBrokers: [broker(1), broker(2)],
            partitions: [state("a", 0, leader: 1), state("a", 1, leader: 2)]))
        let second = cache.apply(MetadataUpdate(controllerID: 2, controllerEpoch: 1, liveBrokers: [broker(2)],
            partitions: [state("a", 0, leader: 2, epoch: 1), state("b", 0, leader: 2)]))
        #expect(second.controllerID == 2)
        #expect(Array(second.liveBrokers.keys) == [2])
        #expect(second.topics == ["a", "b"])
        #expect(second.partition(TopicPartition(topic: "a", partition: 0))?.leader == 2)
        #expect(second.partition(TopicPartition(topic: "a", partition: 1))?.leader == 2)  // untouched partitions stay
        #expect(second.aliveBrokers(listenerName: "PLAINTEXT").map(\.1.port) == [9092])
        #expect(second.aliveBrokers(listenerName: "OTHER").isEmpty)
    }

    @Test func leaderDuringDelete_removesThePartitionAndEmptyTopic() {
        var snapshot = MetadataSnapshot().applying(MetadataUpdate(controllerID: 1, controllerEpoch: 1, liveBrokers: [broker(1)],
            partitions: [state("gone", 0, leader: 1), state("gone", 1, leader: 1)], topicIDs: ["gone": KafkaTopicID(bytes: Array(repeating: 7, count: 16))]))
        snapshot = snapshot.applying(MetadataUpdate(controllerID: 1, controllerEpoch: 1, liveBrokers: [broker(1)],
            partitions: [state("gone", 0, leader: LeaderAndISR.leaderDuringDelete)]))
        #expect(snapshot.partitions(of: "gone").map(\.topicPartition.partition) == [1])
        snapshot = snapshot.applying(MetadataUpdate(controllerID: -1, controllerEpoch: 1, liveBrokers: [broker(1)],
            partitions: [state("gone", 1, leader: LeaderAndISR.leaderDuringDelete)]))
        #expect(!snapshot.contains(topic: "gone"))
        #expect(snapshot.topicIDs["gone"] == nil)
        #expect(snapshot.controllerID == nil)
    }
}
