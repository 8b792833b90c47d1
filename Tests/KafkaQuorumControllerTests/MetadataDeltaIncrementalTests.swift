import KafkaMetadata
import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol
import KafkaQuorumController
import Testing

/// A delta publishes only what its records touched; the cache built from a log's deltas equals the cache built
/// from the last image in one full update, and the broker's local changes equal those of a full comparison.
@Suite(.tags(.unit)) struct MetadataDeltaIncrementalTests {
    /// Brokers 1-4, two topics, a fencing (leaders move, ISRs shrink), an unfencing, a re-registration, a topic
    /// deletion and a re-creation under the same name.
    private func eventfulLog() -> [MetadataRecord] {
        var f = QuorumControllerFixture()
        f.startBrokers([1, 2, 3, 4])
        f.createTopic("a", partitions: 6, replicationFactor: 3, id: 7)
        f.createTopic("b", partitions: 4, replicationFactor: 2, id: 8)
        f.now += 9_001
        for id: BrokerID in [2, 3, 4] { f.heartbeat(id) }
        _ = f.fenceStaleBrokers()
        f.register(1, incarnation: 99)
        f.heartbeat(1)
        _ = f.commit(f.controller.deleteTopics(["b"]))
        f.createTopic("b", partitions: 2, replicationFactor: 3, id: 9)
        f.now += 9_001
        for id: BrokerID in [1, 2, 3] { f.heartbeat(id) }
        _ = f.fenceStaleBrokers()
        return f.log
    }

    @Test(arguments: [1, 2, 5, 1_000])
    func cacheFromDeltas_equalsCacheFromTheLastImage(chunk: Int) {
        let log = eventfulLog()
        let incremental = MetadataCache()
        var image = MetadataImage.empty
        for start in stride(from: 0, to: log.count, by: chunk) {
            var delta = MetadataDelta(base: image)
            for offset in start..<min(start + chunk, log.count) { delta.replay(log[offset], offset: Int64(offset)) }
            let update = delta.metadataUpdate(controllerID: 2, controllerEpoch: 5)
            if chunk == 1, let touched = delta.touched, touched.brokers.isEmpty, touched.removedTopics.isEmpty {
                // A partition record touches its partition only.
                #expect(update.partitions.count <= 1)
            }
            incremental.apply(update)
            // The broker's own changes from the touched partitions equal those of comparing everything.
            for broker: BrokerID in 1...4 {
                #expect(delta.localChanges(broker: broker)
                    == MetadataDelta(base: image, replacingWith: delta.image).localChanges(broker: broker))
            }
            image = delta.image
        }
        let full = MetadataCache()
        full.apply(image.metadataUpdate(controllerID: 2, controllerEpoch: 5))
        #expect(incremental.snapshot == full.snapshot)
        #expect(incremental.snapshot.partitions(of: "b").count == 2)
        #expect(!incremental.snapshot.isAlive(4))
        #expect(incremental.snapshot.partitions(of: "a").contains { $0.offlineReplicas.contains(4) })
    }

    @Test func anIsrChange_publishesOnePartition_atAnySize() {
        var f = QuorumControllerFixture()
        f.startBrokers([1, 2, 3])
        f.createTopic("big", partitions: 2_000, replicationFactor: 3, id: 7)
        var base = MetadataDelta(base: .empty)
        for (offset, record) in f.log.enumerated() { base.replay(record, offset: Int64(offset)) }
        let topicID = QuorumControllerFixture.uuid(7)
        let current = base.image.state.topics[topicID]!.partitions[17]!
        var delta = MetadataDelta(base: base.image)
        delta.replay(.partitionChange(PartitionChangeRecord(partitionId: 17, topicId: topicID, isr: current.isr.dropLast())), offset: Int64(f.log.count))
        let update = delta.metadataUpdate(controllerID: 1, controllerEpoch: 3)
        #expect(update.partitions.map(\.topicPartition) == [TopicPartition(topic: "big", partition: 17)])
        #expect(update.partitions.first?.isr == Array(current.isr.dropLast()))
        #expect(update.liveBrokers.map(\.id) == [1, 2, 3])
    }
}
