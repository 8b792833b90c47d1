import KafkaModel
import Testing

@testable import KafkaController

/// The request batch's per-request lists: what they hand over is what Kafka's maps keyed by partition give —
/// one state per partition, sorted, the last added winning with the sticky flags of earlier ones — whether the
/// partitions came in order (handed over as added) or not (sorted and merged when taken).
@Suite("Partition state lists of the request batch", .tags(.unit))
struct PartitionStateListTests {
    static func tp(_ topic: String, _ partition: Int32) -> TopicPartition { TopicPartition(topic: topic, partition: partition) }

    static func leaderAndISR(_ partition: TopicPartition, leaderEpoch: Int32, isNew: Bool) -> LeaderAndISRPartitionState {
        LeaderAndISRPartitionState(
            topicPartition: partition,
            leadership: LeaderISRAndControllerEpoch(leader: 1, leaderEpoch: leaderEpoch, isr: [1, 2], zkVersion: 0, controllerEpoch: 1),
            assignment: ReplicaAssignment(replicas: [1, 2]), isNew: isNew)
    }

    /// What a map keyed by partition gives for the same additions (the batch's former storage).
    static func reference(_ added: [LeaderAndISRPartitionState]) -> [LeaderAndISRPartitionState] {
        var map: [TopicPartition: LeaderAndISRPartitionState] = [:]
        for state in added {
            var stored = state
            stored.isNew = state.isNew || (map[state.topicPartition]?.isNew ?? false)
            map[state.topicPartition] = stored
        }
        return map.values.sorted { $0.topicPartition < $1.topicPartition }
    }

    @Test func inOrderAdditions_areHandedOverAsAdded_andTheListIsEmptiedWhenTaken() {
        var list = PartitionStateList<LeaderAndISRPartitionState>()
        let added = (0..<5).map { Self.leaderAndISR(Self.tp("a", $0), leaderEpoch: $0, isNew: $0 % 2 == 0) }
        for state in added { list.add(state) }
        #expect(list.take() == added)
        #expect(list.isEmpty)
        #expect(list.take().isEmpty)
    }

    @Test func repeatedAndOutOfOrderPartitions_giveWhatAMapByPartitionGives() {
        let added = [
            Self.leaderAndISR(Self.tp("b", 0), leaderEpoch: 1, isNew: true),
            Self.leaderAndISR(Self.tp("a", 3), leaderEpoch: 1, isNew: false),
            Self.leaderAndISR(Self.tp("a", 3), leaderEpoch: 2, isNew: true),
            Self.leaderAndISR(Self.tp("a", 1), leaderEpoch: 1, isNew: false),
            Self.leaderAndISR(Self.tp("b", 0), leaderEpoch: 2, isNew: false),
            Self.leaderAndISR(Self.tp("a", 3), leaderEpoch: 3, isNew: false),
        ]
        var list = PartitionStateList<LeaderAndISRPartitionState>()
        for state in added { list.add(state) }
        let taken = list.take()
        #expect(taken == Self.reference(added))
        #expect(taken.map(\.topicPartition) == [Self.tp("a", 1), Self.tp("a", 3), Self.tp("b", 0)])
        #expect(taken.map(\.leaderEpoch) == [1, 3, 2], "the last added wins")
        #expect(taken.map(\.isNew) == [false, true, true], "isNew sticks")
    }

    @Test func manyShuffledAdditions_matchTheMap() {
        var generator = SystemRandomNumberGenerator()
        let added = (0..<2_000).map { index in
            Self.leaderAndISR(
                Self.tp(["a", "b", "c"][Int.random(in: 0..<3, using: &generator)], Int32.random(in: 0..<300, using: &generator)),
                leaderEpoch: Int32(index), isNew: Bool.random(using: &generator))
        }
        var list = PartitionStateList<LeaderAndISRPartitionState>()
        for state in added { list.add(state) }
        #expect(list.take() == Self.reference(added))
    }

    @Test func stopReplica_deletePartitionSticks_andUpdateMetadata_lastWins() {
        var stops = PartitionStateList<StopReplicaPartitionState>()
        stops.add(StopReplicaPartitionState(topicPartition: Self.tp("a", 0), leaderEpoch: 4, deletePartition: true))
        stops.add(StopReplicaPartitionState(topicPartition: Self.tp("a", 0), leaderEpoch: 5, deletePartition: false))
        #expect(stops.take() == [StopReplicaPartitionState(topicPartition: Self.tp("a", 0), leaderEpoch: 5, deletePartition: true)])

        var metadata = PartitionStateList<UpdateMetadataPartitionState>()
        let first = UpdateMetadataPartitionState(
            topicPartition: Self.tp("a", 0), leadership: LeaderISRAndControllerEpoch(leader: 1, leaderEpoch: 1, isr: [1], zkVersion: 0, controllerEpoch: 1),
            replicas: [1, 2], offlineReplicas: [2])
        var second = first
        second.offlineReplicas = []
        metadata.add(UpdateMetadataPartitionState(
            topicPartition: Self.tp("b", 0), leadership: first.leadership, replicas: [1]))
        metadata.add(first)
        metadata.add(second)
        let taken = metadata.take()
        #expect(taken.map(\.topicPartition) == [Self.tp("a", 0), Self.tp("b", 0)])
        #expect(taken.first?.offlineReplicas == [], "the last added wins")
    }
}
