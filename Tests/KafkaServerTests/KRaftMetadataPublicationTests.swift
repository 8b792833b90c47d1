import KafkaBroker
import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol
import KafkaQuorumController
import KafkaServer
import Testing

/// What a KRaft broker does with each metadata delta: the leader and follower changes LeaderAndIsr
/// would have carried, the deletions StopReplica would have asked for, and the endpoints followers fetch
/// from. Records come from the pure quorum controller, replayed as the broker replays the log.
@Suite("KRaft broker: delta → broker actions", .tags(.unit))
struct KRaftMetadataPublicationTests {
    /// The controller, and every record it committed (the metadata log).
    struct Cluster {
        var controller = QuorumController(now: 0)
        var log: [MetadataRecord] = []
        var epochs: [BrokerID: Int64] = [:]
        var now: Int64 = 1_000

        mutating func commit<R>(_ result: ControllerResult<R>) -> R {
            log += result.records
            return controller.commit(result)
        }

        mutating func start(_ ids: [BrokerID]) {
            for id in ids {
                let outcome = commit(controller.registerBroker(
                    BrokerRegistrationInput(
                        brokerID: id, incarnationID: KafkaUUID(mostSignificantBits: 1, leastSignificantBits: UInt64(id)),
                        endpoints: [BrokerEndpoint(listenerName: "PLAINTEXT", host: "b\(id)", port: 9000 + id, securityProtocol: "PLAINTEXT")]),
                    now: now))
                epochs[id] = outcome.brokerEpoch
            }
            for id in ids { heartbeat(id) }
        }

        mutating func heartbeat(_ id: BrokerID) {
            _ = commit(controller.processBrokerHeartbeat(
                BrokerHeartbeatInput(
                    brokerID: id, brokerEpoch: epochs[id]!, currentMetadataOffset: controller.nextWriteOffset - 1,
                    wantFence: false, wantShutDown: false),
                now: now))
        }

        mutating func createTopic(_ name: String, partitions: Int32, replicationFactor: Int16) {
            let outcome = commit(controller.createTopics([
                CreateTopicInput(
                    name: name, topicID: KafkaUUID(mostSignificantBits: 7, leastSignificantBits: UInt64(name.count)),
                    numPartitions: partitions, replicationFactor: replicationFactor)
            ]))
            precondition(outcome[0].errorCode == .none)
        }

        /// The delta from the records at `from...` on top of the image of the ones before.
        func delta(from start: Int) -> MetadataDelta {
            var base = MetadataDelta(base: .empty)
            for offset in 0..<start { base.replay(log[offset], offset: Int64(offset)) }
            var delta = MetadataDelta(base: base.image)
            for offset in start..<log.count { delta.replay(log[offset], offset: Int64(offset)) }
            return delta
        }
    }

    func publication(_ delta: MetadataDelta, broker: BrokerID) -> KRaftMetadataPublication {
        KRaftMetadataPublication(delta: delta, broker: broker, controllerID: 2, raftEpoch: 4, interBrokerListener: "PLAINTEXT")
    }

    @Test func newTopic_makesLeadersAndFollowers_withPartitionEpochAsVersion() {
        var cluster = Cluster()
        cluster.start([1, 2, 3])
        let start = cluster.log.count
        cluster.createTopic("orders", partitions: 3, replicationFactor: 2)
        let delta = cluster.delta(from: start)
        for broker: BrokerID in [1, 2, 3] {
            let p = publication(delta, broker: broker)
            let hosted = delta.image.state.topic(named: "orders")!.partitions.filter { $0.value.replicas.contains(broker) }
            #expect(p.leadership.map(\.topicPartition.partition).sorted() == hosted.keys.sorted())
            for entry in p.leadership {
                let registration = hosted[entry.topicPartition.partition]!
                #expect(entry.leader == registration.leader)
                #expect(entry.isr == registration.isr)
                #expect(entry.replicas == registration.replicas)
                #expect(entry.zkVersion == registration.partitionEpoch)
                #expect(entry.leaderEpoch == 0)
                #expect(entry.controllerEpoch == 4)
            }
            #expect(p.deletes.isEmpty)
            #expect(p.leaderEndpoints[3] == .init(host: "b3", port: 9003))
            #expect(p.metadataUpdate.liveBrokers.map(\.id).sorted() == [1, 2, 3])
            #expect(p.metadataUpdate.controllerID == 2)
            #expect(p.metadataUpdate.partitions.count == 3)
        }
    }

    @Test func fencedFollower_leavesIsr_leaderGetsSameEpochNewerPartitionEpoch() {
        var cluster = Cluster()
        cluster.start([1, 2, 3])
        cluster.createTopic("t", partitions: 1, replicationFactor: 3)
        let before = cluster.controller.state.partition(TopicPartition(topic: "t", partition: 0))!
        let follower = before.replicas.first { $0 != before.leader }!
        let start = cluster.log.count
        // Everyone but `follower` heartbeats; its session expires.
        cluster.now += 9_001
        for id in before.replicas where id != follower { cluster.heartbeat(id) }
        while let _ = cluster.commit(cluster.controller.fenceOneStaleBroker(now: cluster.now)) {}
        let delta = cluster.delta(from: start)

        let leaderActions = publication(delta, broker: before.leader)
        let entry = try! #require(leaderActions.leadership.first)
        #expect(entry.leader == before.leader)
        #expect(entry.leaderEpoch == before.leaderEpoch)  // an ISR change, not a new leader
        #expect(entry.zkVersion > before.partitionEpoch)
        #expect(!entry.isr.contains(follower))
        #expect(!leaderActions.metadataUpdate.liveBrokers.map(\.id).contains(follower))
        #expect(leaderActions.metadataUpdate.partitions.first?.offlineReplicas == [follower])
    }

    @Test func fencedLeader_followerBecomesLeader_inANewLeaderEpoch() {
        var cluster = Cluster()
        cluster.start([1, 2])
        cluster.createTopic("t", partitions: 1, replicationFactor: 2)
        let before = cluster.controller.state.partition(TopicPartition(topic: "t", partition: 0))!
        let other = before.replicas.first { $0 != before.leader }!
        let start = cluster.log.count
        cluster.now += 9_001
        cluster.heartbeat(other)
        while let _ = cluster.commit(cluster.controller.fenceOneStaleBroker(now: cluster.now)) {}
        let p = publication(cluster.delta(from: start), broker: other)
        #expect(p.leadership.count == 1)
        #expect(p.leadership[0].leader == other)
        #expect(p.leadership[0].leaderEpoch == before.leaderEpoch + 1)
        #expect(p.leadership[0].isr == [other])
    }

    @Test func removedTopic_deletesEveryLocalReplica_andLeavesTheCacheWithTheDeletionMarker() {
        var cluster = Cluster()
        cluster.start([1, 2])
        cluster.createTopic("gone", partitions: 2, replicationFactor: 2)
        let start = cluster.log.count
        _ = cluster.commit(cluster.controller.deleteTopics(["gone"]))
        let p = publication(cluster.delta(from: start), broker: 1)
        #expect(p.deletes == [TopicPartition(topic: "gone", partition: 0), TopicPartition(topic: "gone", partition: 1)])
        #expect(p.leadership.isEmpty)
        #expect(p.metadataUpdate.partitions.allSatisfy { $0.leader == -2 })
    }

    @Test func unchangedPartitions_produceNoLeadershipChange() {
        var cluster = Cluster()
        cluster.start([1, 2])
        cluster.createTopic("t", partitions: 1, replicationFactor: 2)
        let start = cluster.log.count
        cluster.createTopic("other-topic", partitions: 1, replicationFactor: 1)
        let p = publication(cluster.delta(from: start), broker: 1)
        #expect(p.leadership.allSatisfy { $0.topicPartition.topic == "other-topic" })
    }

    @Test func controllerID_isALiveBroker_orMinusOne() {
        var cluster = Cluster()
        #expect(KRaftMetadataPublication.controllerID(image: cluster.delta(from: 0).image) { $0.randomElement() } == -1)
        cluster.start([5, 6])
        let image = cluster.delta(from: 0).image
        #expect([5, 6].contains(KRaftMetadataPublication.controllerID(image: image) { $0.randomElement() }))
        #expect(KRaftMetadataPublication.controllerID(image: image) { $0.first } == 5)
    }
}
