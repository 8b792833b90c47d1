import KafkaModel
import Testing
@testable import KafkaMetadata

@Suite(.tags(.unit)) struct ReplicaListInternerTests {
    private func storage(_ list: [BrokerID]) -> UnsafeRawPointer? { list.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) } }

    @Test func equalListsShareOneArrayAndDifferentOnesDoNot() {
        var interner = ReplicaListInterner()
        let first = interner.intern([1, 2, 3].map { $0 })
        let second = interner.intern([1, 2, 3].map { $0 })
        let other = interner.intern([2, 3, 1])
        #expect(first == [1, 2, 3] && second == [1, 2, 3] && other == [2, 3, 1])
        #expect(storage(first) == storage(second))
        #expect(storage(first) != storage(other))
    }

    @Test func theCacheStoresEqualPartitionListsOnce() {
        let brokers = [BrokerInfo(id: 1, endpoints: [], epoch: 1)]
        let states = (0..<4).map { partition in
            UpdateMetadataPartitionState(
                topicPartition: TopicPartition(topic: "t", partition: Int32(partition)),
                leadership: LeaderISRAndControllerEpoch(leader: 1, leaderEpoch: 0, isr: [1, 2].map { $0 }, zkVersion: 0, controllerEpoch: 1),
                replicas: [1, 2].map { $0 })
        }
        let snapshot = MetadataSnapshot().applying(
            MetadataUpdate(controllerID: 1, controllerEpoch: 1, liveBrokers: brokers, partitions: states))
        let stored = snapshot.partitions(of: "t")
        #expect(stored.count == 4)
        #expect(Set(stored.map { storage($0.replicas) }).count == 1)
        #expect(storage(stored[0].isr) == storage(stored[3].replicas))
    }
}

@Suite(.tags(.unit)) struct BoundedReplicaListInternerTests {
    private func storage(_ list: [BrokerID]) -> UnsafeRawPointer? { list.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) } }

    @Test func pastItsCapacityNewListsAreReturnedUnshared() {
        var interner = ReplicaListInterner(capacity: 1)
        let kept = interner.intern([1, 2].map { $0 })
        let other = interner.intern([2, 1].map { $0 })
        let again = interner.intern([2, 1].map { $0 })
        #expect(interner.count == 1)
        #expect(storage(interner.intern([1, 2].map { $0 })) == storage(kept))
        #expect(other == again && storage(other) != storage(again))
    }
}
