import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol
import KafkaQuorumController
import Testing

/// Rules at the edges, and a longer run checked against a standby.
@Suite(.tags(.unit)) struct QuorumControllerScenarioTests {
    @Test func manualAssignment_isrIsTheUnfencedReplicas_leaderTheFirstOfThem() {
        var f = QuorumControllerFixture()
        f.startBrokers([1, 2])
        f.register(3)  // fenced
        let outcome = f.commit(f.controller.createTopics([
            CreateTopicInput(name: "m", topicID: QuorumControllerFixture.uuid(8), assignments: [0: [3, 2, 1], 1: [3, 1, 2]])
        ]))[0]
        #expect(outcome.errorCode == .none && outcome.numPartitions == 2 && outcome.replicationFactor == 3)
        #expect(f.partition("m", 0)?.isr == [2, 1] && f.partition("m", 0)?.leader == 2)
        #expect(f.partition("m", 1)?.leader == 1)
        let allFenced = f.controller.createTopics([
            CreateTopicInput(name: "n", topicID: QuorumControllerFixture.uuid(9), assignments: [0: [3]])
        ])
        #expect(allFenced.response[0].errorCode == .invalidReplicationFactor)
    }

    @Test func controlledShutdown_ofTheOnlyISRMember_keepsItsLeadership() {
        var f = QuorumControllerFixture()
        f.startBrokers([1])
        f.createTopic("solo", partitions: 1, replicationFactor: 1)
        let outcome = f.heartbeat(1, wantShutDown: true)
        #expect(!outcome.shouldShutDown)
        #expect(f.controller.state.brokers[1]?.inControlledShutdown == true)
        #expect(f.partition("solo", 0)?.leader == 1)
        #expect(!f.heartbeat(1, wantShutDown: true).shouldShutDown)
    }

    @Test func wantFence_fencesAnUnfencedBroker_andMovesItsLeaderships() {
        var f = QuorumControllerFixture()
        f.startBrokers([1, 2])
        f.createTopic("t", partitions: 1, replicationFactor: 2)
        let outcome = f.heartbeat(1, wantFence: true)
        #expect(outcome.isFenced && !outcome.shouldShutDown)
        #expect(f.partition("t", 0)?.leader == 2)
        #expect(f.partition("t", 0)?.isr == [2])
    }

    @Test func nextSessionExpiry_isOneSessionAfterTheOldestContact() {
        var f = QuorumControllerFixture()
        #expect(f.controller.nextSessionExpiry() == nil)
        f.startBrokers([1, 2])
        f.now += 500
        f.heartbeat(2)
        let expiry: Int64? = f.controller.nextSessionExpiry()
        #expect(expiry == Int64(1_000 + 9_000 + 1))
    }

    @Test func longRun_standbyEqualsActive_andAPromotedStandbyCarriesOn() {
        var f = QuorumControllerFixture()
        f.startBrokers([1, 2, 3, 4])
        f.createTopic("a", partitions: 6, replicationFactor: 3, id: 1)
        _ = f.commit(f.controller.setTopicConfig(topic: "a", key: "min.insync.replicas", value: "2"))
        _ = f.commit(f.controller.createPartitions(topic: "a", count: 8, placementStartIndex: 1))
        let p = f.partition("a", 0)!
        _ = f.commit(f.controller.alterPartition(brokerID: p.leader, brokerEpoch: f.epochs[p.leader]!, partitions: [
            AlterPartitionInput(topicPartition: TopicPartition(topic: "a", partition: 0), leaderEpoch: p.leaderEpoch,
                                newISR: [p.leader], partitionEpoch: p.partitionEpoch)
        ]))
        f.heartbeat(4, wantShutDown: true)
        f.now += 9_001
        f.heartbeat(2)
        f.heartbeat(3)
        f.heartbeat(4, wantShutDown: true)
        _ = f.fenceStaleBrokers()
        f.register(1, incarnation: 50)
        f.heartbeat(1)
        #expect(f.standbyState == f.controller.state)

        // Failover: the standby becomes active on the state it replayed and continues the log.
        var promoted = QuorumController(state: f.standbyState, now: f.now)
        #expect(promoted.nextWriteOffset == f.controller.nextWriteOffset)
        let created = promoted.createTopics([
            CreateTopicInput(name: "b", topicID: QuorumControllerFixture.uuid(2), numPartitions: 2, replicationFactor: 2)
        ])
        #expect(created == f.controller.createTopics([
            CreateTopicInput(name: "b", topicID: QuorumControllerFixture.uuid(2), numPartitions: 2, replicationFactor: 2)
        ]))
        promoted.append(created.records)
        #expect(promoted.state.topic(named: "b")?.partitions.count == 2)
        // Every partition is led by an unfenced broker or has no leader; no ISR is empty.
        for topic in promoted.state.topics.values {
            for partition in topic.partitions.values {
                #expect(!partition.isr.isEmpty)
                if partition.leader >= 0 { #expect(promoted.state.brokers[partition.leader]?.fenced == false) }
            }
        }
    }
}
