import KafkaController
import KafkaMetadata
import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol
import KafkaQuorumController
import Testing

/// The broker-side image: the metadata cache fed from records equals the one fed by UpdateMetadata, and a
/// delta yields the LeaderAndIsr-style become-leader / become-follower / delete changes.
@Suite(.tags(.unit)) struct MetadataImageTests {
    /// Brokers 1, 2, 3; topic "t" with replicas [1, 2, 3] led by 1; broker 1 then dies.
    private func kraftCluster() -> QuorumControllerFixture {
        var f = QuorumControllerFixture()
        f.startBrokers([1, 2, 3])
        f.createTopic("t", partitions: 1, replicationFactor: 3, id: 7)
        f.now += 9_001
        f.heartbeat(2)
        f.heartbeat(3)
        _ = f.fenceStaleBrokers()
        return f
    }

    private func image(of log: [MetadataRecord], upTo end: Int? = nil) -> MetadataImage {
        var delta = MetadataDelta(base: .empty)
        for (offset, record) in log.prefix(end ?? log.count).enumerated() { delta.replay(record, offset: Int64(offset)) }
        return delta.image
    }

    @Test func metadataCache_fromRecords_equalsTheOneFromZooKeeperModeUpdateMetadata() {
        let f = kraftCluster()
        let kraft = image(of: f.log).metadataUpdate(controllerID: 2, controllerEpoch: 5)

        // The same cluster in ZooKeeper mode: brokers 2 and 3 alive, broker 1 gone; the controller elected 2
        // (leader epoch 1, one partition-state write: zkVersion 1) and sends UpdateMetadata.
        let brokers = [2, 3].map { id in f.controller.state.brokers[BrokerID(id)]!.brokerInfo }
        let context = ControllerContext()
        context.epoch = 5
        context.addLiveBrokers(brokers)
        let tp = TopicPartition(topic: "t", partition: 0)
        context.addTopic("t")
        context.updatePartitionFullReplicaAssignment(tp, ReplicaAssignment(replicas: [1, 2, 3]))
        context.putPartitionLeadershipInfo(tp, LeaderISRAndControllerEpoch(
            leaderAndISR: LeaderAndISR(leader: 2, leaderEpoch: 1, isr: [2, 3], zkVersion: 1), controllerEpoch: 5))
        var batch = BrokerRequestBatch()
        batch.addUpdateMetadataRequest(brokerIDs: [2, 3], partitions: [tp], context: context)
        let zk = MetadataUpdate(
            controllerID: 2, controllerEpoch: 5, liveBrokers: brokers,
            partitions: Array(batch.updateMetadataPartitions.values),
            topicIDs: ["t": KafkaTopicID(uuid: QuorumControllerFixture.uuid(7))])

        let fromRecords = MetadataCache()
        let fromUpdateMetadata = MetadataCache()
        #expect(fromRecords.apply(kraft) == fromUpdateMetadata.apply(zk))
        #expect(fromRecords.snapshot.partition(tp)?.offlineReplicas == [1])
    }

    @Test func deletedTopic_leavesTheCache() {
        var f = kraftCluster()
        let before = image(of: f.log)
        _ = f.commit(f.controller.deleteTopics(["t"]))
        let after = image(of: f.log)
        let cache = MetadataCache()
        _ = cache.apply(before.metadataUpdate(controllerID: 2, controllerEpoch: 5))
        #expect(cache.snapshot.contains(topic: "t"))
        let snapshot = cache.apply(after.metadataUpdate(controllerID: 2, controllerEpoch: 5, previous: before))
        #expect(!snapshot.contains(topic: "t"))
    }

    @Test func localChanges_becomeLeaderAndFollower_onFencing_andDeleteOnTopicRemoval() {
        var f = QuorumControllerFixture()
        f.startBrokers([1, 2, 3])
        f.createTopic("t", partitions: 1, replicationFactor: 3, id: 7)
        let base = image(of: f.log)
        let created = MetadataDelta(base: .empty)
        var all = created
        for (offset, record) in f.log.enumerated() { all.replay(record, offset: Int64(offset)) }
        let tp = TopicPartition(topic: "t", partition: 0)
        #expect(all.localChanges(broker: 1).leaders.keys.sorted() == [tp])
        #expect(all.localChanges(broker: 2).followers.keys.sorted() == [tp])

        let start = f.log.count
        f.now += 9_001
        f.heartbeat(2)
        f.heartbeat(3)
        _ = f.fenceStaleBrokers()
        var delta = MetadataDelta(base: base)
        for offset in start..<f.log.count { delta.replay(f.log[offset], offset: Int64(offset)) }
        #expect(delta.localChanges(broker: 2).leaders[tp]?.leaderEpoch == 1)
        #expect(delta.localChanges(broker: 3).followers[tp]?.leader == 2)

        let beforeDelete = delta.image
        _ = f.commit(f.controller.deleteTopics(["t"]))
        var deletion = MetadataDelta(base: beforeDelete)
        deletion.replay(f.log.last!, offset: Int64(f.log.count - 1))
        #expect(deletion.localChanges(broker: 3).deletes == [tp])
    }
}
