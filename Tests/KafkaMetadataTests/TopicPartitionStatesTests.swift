import KafkaModel
import Testing

@testable import KafkaMetadata

/// The metadata cache's per-topic table indexed by partition id (issue 14).
@Suite(.tags(.unit)) struct TopicPartitionStatesTests {
    private func state(_ topic: String, _ partition: Int32, leader: BrokerID = 1, delete: Bool = false) -> UpdateMetadataPartitionState {
        UpdateMetadataPartitionState(
            topicPartition: TopicPartition(topic: topic, partition: partition),
            leadership: LeaderISRAndControllerEpoch(
                leader: delete ? LeaderAndISR.leaderDuringDelete : leader, leaderEpoch: 3, isr: [1, 2], zkVersion: 4, controllerEpoch: 5),
            replicas: [1, 2, 3], offlineReplicas: [3])
    }

    @Test func storesReadsAndRemovesByPartitionID() {
        var table = TopicPartitionStates()
        #expect(table.isEmpty && table.state(topic: "t", partition: 0) == nil)
        table.set(state("t", 2))
        table.set(state("t", 0))
        #expect(table.count == 2)
        #expect(table.state(topic: "t", partition: 2) == state("t", 2))
        #expect(table.state(topic: "t", partition: 1) == nil)
        #expect(table.state(topic: "t", partition: 7) == nil && table.state(topic: "t", partition: -1) == nil)
        #expect(table.states(topic: "t").map(\.topicPartition.partition) == [0, 2])
        table.set(state("t", 2, leader: 3))
        #expect(table.count == 2 && table.state(topic: "t", partition: 2)?.leader == 3)
        table.remove(2)
        table.remove(5)
        #expect(table.count == 1 && table.states(topic: "t") == [state("t", 0)])
        table.remove(0)
        #expect(table.isEmpty && table == TopicPartitionStates())
    }

    @Test func theSnapshotAnswersAsBeforeAndDropsDeletedTopics() {
        let update = MetadataUpdate(
            controllerID: 1, controllerEpoch: 1, liveBrokers: [BrokerInfo(id: 1, endpoints: [], epoch: 1)],
            partitions: [state("a", 1), state("a", 0), state("b", 0)])
        var snapshot = MetadataSnapshot().applying(update)
        #expect(snapshot.topics == ["a", "b"] && snapshot.partitionCount == 3)
        #expect(snapshot.partitions(of: "a") == [state("a", 0), state("a", 1)])
        #expect(snapshot.partition(TopicPartition(topic: "b", partition: 0)) == state("b", 0))
        #expect(snapshot.partitions["a"]?[1] == state("a", 1))
        snapshot.apply(MetadataUpdate(
            controllerID: 1, controllerEpoch: 1, liveBrokers: [BrokerInfo(id: 1, endpoints: [], epoch: 1)],
            partitions: [state("b", 0, delete: true), state("a", 1, delete: true)]))
        #expect(snapshot.topics == ["a"] && !snapshot.contains(topic: "b"))
        #expect(snapshot.partitions(of: "a") == [state("a", 0)])
    }
}
