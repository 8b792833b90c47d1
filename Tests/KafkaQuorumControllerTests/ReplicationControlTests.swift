import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol
import KafkaQuorumController
import Testing

/// Topic creation and deletion, partitions, leader election on fencing and unfencing, AlterPartition.
@Suite(.tags(.unit)) struct ReplicationControlTests {
    @Test func createTopic_placesWithTheSharedAlgorithm_overUnfencedBrokers() {
        var f = QuorumControllerFixture()
        f.startBrokers([1, 2, 3])
        f.register(4)  // registered but fenced: not used for placement
        let outcome = f.createTopic("t", partitions: 3, replicationFactor: 2)
        #expect(outcome.errorCode == .none)
        // ReplicaAssignmentAlgorithm with start index 0 and shift 0 over [1, 2, 3].
        #expect(f.partition("t", 0)?.replicas == [1, 2])
        #expect(f.partition("t", 1)?.replicas == [2, 3])
        #expect(f.partition("t", 2)?.replicas == [3, 1])
        let p = f.partition("t", 1)
        #expect(p?.leader == 2 && p?.isr == [2, 3] && p?.leaderEpoch == 0 && p?.partitionEpoch == 0)
    }

    @Test func createTopic_recordsAreConfigsThenTopicThenPartitions() {
        var f = QuorumControllerFixture()
        f.startBrokers([1])
        let result = f.controller.createTopics([
            CreateTopicInput(name: "t", topicID: QuorumControllerFixture.uuid(5), numPartitions: 2, replicationFactor: 1,
                             configs: ["cleanup.policy": "compact"])
        ])
        #expect(result.records.count == 4)
        #expect(result.records[0] == .config(ConfigRecord(resourceType: 2, resourceName: "t", name: "cleanup.policy", value: "compact")))
        #expect(result.records[1] == .topic(TopicRecord(name: "t", topicId: QuorumControllerFixture.uuid(5))))
        _ = f.commit(result)
        #expect(f.controller.state.topicConfigs["t"] == ["cleanup.policy": "compact"])
    }

    @Test func createTopic_validation() {
        var f = QuorumControllerFixture()
        f.startBrokers([1, 2])
        f.createTopic("exists", partitions: 1, replicationFactor: 1)
        let results = f.controller.createTopics([
            CreateTopicInput(name: "exists", topicID: QuorumControllerFixture.uuid(1), numPartitions: 1, replicationFactor: 1),
            CreateTopicInput(name: "bad name!", topicID: QuorumControllerFixture.uuid(2)),
            CreateTopicInput(name: "too-many", topicID: QuorumControllerFixture.uuid(3), numPartitions: 1, replicationFactor: 3),
            CreateTopicInput(name: "zero", topicID: QuorumControllerFixture.uuid(4), numPartitions: 0, replicationFactor: 1),
            CreateTopicInput(name: "manual", topicID: QuorumControllerFixture.uuid(5), assignments: [0: [1, 9]]),
        ])
        #expect(results.response.map(\.errorCode) == [
            .topicAlreadyExists, .invalidTopicException, .invalidReplicationFactor, .invalidPartitions,
            .invalidReplicaAssignment,
        ])
        #expect(results.records.isEmpty)
    }

    @Test func deleteTopic_removesItsPartitionsAndConfigs() {
        var f = QuorumControllerFixture()
        f.startBrokers([1])
        _ = f.commit(f.controller.createTopics([
            CreateTopicInput(name: "t", topicID: QuorumControllerFixture.uuid(5), numPartitions: 1, replicationFactor: 1,
                             configs: ["retention.ms": "1"])
        ]))
        let outcome = f.commit(f.controller.deleteTopics(["t", "missing"]))
        #expect(outcome == ["t": .none, "missing": .unknownTopicOrPartition])
        #expect(f.log.last == .removeTopic(RemoveTopicRecord(topicId: QuorumControllerFixture.uuid(5))))
        #expect(f.controller.state.topic(named: "t") == nil)
        #expect(f.controller.state.topicConfigs["t"] == nil)
    }

    @Test func createPartitions_addsPlacedPartitions() {
        var f = QuorumControllerFixture()
        f.startBrokers([1, 2, 3])
        f.createTopic("t", partitions: 1, replicationFactor: 2)
        #expect(f.commit(f.controller.createPartitions(topic: "t", count: 3)) == .none)
        #expect(f.controller.state.topic(named: "t")?.partitions.count == 3)
        #expect(f.partition("t", 2)?.replicas.count == 2)
        #expect(f.commit(f.controller.createPartitions(topic: "t", count: 2)) == .invalidPartitions)
    }

    @Test func fencingALeader_electsTheNextISRReplica_bumpsLeaderEpoch_andShrinksISR() {
        var f = QuorumControllerFixture()
        f.startBrokers([1, 2, 3])
        f.createTopic("t", partitions: 1, replicationFactor: 3)  // replicas [1, 2, 3], leader 1
        f.now += 9_001
        f.heartbeat(2)
        f.heartbeat(3)
        #expect(f.fenceStaleBrokers() == [1])
        let p = f.partition("t", 0)
        #expect(p?.leader == 2)
        #expect(p?.isr == [2, 3])
        #expect(p?.leaderEpoch == 1)
        #expect(p?.partitionEpoch == 1)
    }

    @Test func fencingTheLastISRMember_leavesNoLeader_noUncleanElection_thenItsReturnReelectsIt() {
        var f = QuorumControllerFixture()
        f.startBrokers([1, 2])
        f.createTopic("t", partitions: 1, replicationFactor: 2)  // [1, 2]
        // The leader shrinks the ISR to itself, then dies; broker 2 is alive but out of sync.
        let p0 = f.partition("t", 0)!
        _ = f.commit(f.controller.alterPartition(brokerID: 1, brokerEpoch: f.epochs[1]!, partitions: [
            AlterPartitionInput(topicPartition: TopicPartition(topic: "t", partition: 0), leaderEpoch: p0.leaderEpoch,
                                newISR: [1], partitionEpoch: p0.partitionEpoch)
        ]))
        f.now += 9_001
        f.heartbeat(2)
        #expect(f.fenceStaleBrokers() == [1])
        var p = f.partition("t", 0)!
        #expect(p.leader == LeaderAndISR.noLeader)
        #expect(p.isr == [1])
        #expect(p.leaderEpoch == 1)
        // Broker 1 restarts: registers again, catches up, is unfenced and leads again.
        f.register(1, incarnation: 99)
        f.heartbeat(1)
        p = f.partition("t", 0)!
        #expect(p.leader == 1)
        #expect(p.leaderEpoch == 2)
    }

    @Test func uncleanElection_whenTheTopicEnablesIt() {
        var f = QuorumControllerFixture()
        f.startBrokers([1, 2])
        f.createTopic("t", partitions: 1, replicationFactor: 2)
        _ = f.commit(f.controller.setTopicConfig(topic: "t", key: "unclean.leader.election.enable", value: "true"))
        let p0 = f.partition("t", 0)!
        _ = f.commit(f.controller.alterPartition(brokerID: 1, brokerEpoch: f.epochs[1]!, partitions: [
            AlterPartitionInput(topicPartition: TopicPartition(topic: "t", partition: 0), leaderEpoch: p0.leaderEpoch,
                                newISR: [1], partitionEpoch: p0.partitionEpoch)
        ]))
        f.now += 9_001
        f.heartbeat(2)
        _ = f.fenceStaleBrokers()
        #expect(f.partition("t", 0)?.leader == 2)
        #expect(f.partition("t", 0)?.isr == [2])
    }

    @Test func alterPartition_acceptsTheLeadersChange_andRejectsStaleEpochs() {
        var f = QuorumControllerFixture()
        f.startBrokers([1, 2, 3])
        f.createTopic("t", partitions: 1, replicationFactor: 3)  // leader 1, epochs 0/0
        let tp = TopicPartition(topic: "t", partition: 0)
        func alter(_ broker: BrokerID, leaderEpoch: Int32, isr: [BrokerID], partitionEpoch: Int32) -> AlterPartitionOutcome {
            f.commit(f.controller.alterPartition(brokerID: broker, brokerEpoch: f.epochs[broker]!, partitions: [
                AlterPartitionInput(topicPartition: tp, leaderEpoch: leaderEpoch, newISR: isr, partitionEpoch: partitionEpoch)
            ]))[0]
        }
        let ok = alter(1, leaderEpoch: 0, isr: [1, 2], partitionEpoch: 0)
        #expect(ok.errorCode == .none && ok.isr == [1, 2] && ok.partitionEpoch == 1 && ok.leaderEpoch == 0)
        #expect(alter(1, leaderEpoch: 0, isr: [1], partitionEpoch: 0).errorCode == .invalidUpdateVersion)
        #expect(alter(1, leaderEpoch: 5, isr: [1], partitionEpoch: 1).errorCode == .fencedLeaderEpoch)
        #expect(alter(2, leaderEpoch: 0, isr: [2], partitionEpoch: 1).errorCode == .invalidRequest)
        #expect(alter(1, leaderEpoch: 0, isr: [2, 3], partitionEpoch: 1).errorCode == .invalidRequest)
        #expect(alter(1, leaderEpoch: 0, isr: [1, 7], partitionEpoch: 1).errorCode == .invalidRequest)
        let stale = f.commit(f.controller.alterPartition(brokerID: 1, brokerEpoch: 999, partitions: [
            AlterPartitionInput(topicPartition: tp, leaderEpoch: 0, newISR: [1], partitionEpoch: 1)
        ]))
        #expect(stale[0].errorCode == .staleBrokerEpoch)
        #expect(f.partition("t", 0)?.isr == [1, 2])
    }

    @Test func alterPartition_addingAFencedBroker_isIneligible() {
        var f = QuorumControllerFixture()
        f.startBrokers([1, 2, 3])
        f.createTopic("t", partitions: 1, replicationFactor: 3)
        let tp = TopicPartition(topic: "t", partition: 0)
        _ = f.commit(f.controller.alterPartition(brokerID: 1, brokerEpoch: f.epochs[1]!, partitions: [
            AlterPartitionInput(topicPartition: tp, leaderEpoch: 0, newISR: [1, 2], partitionEpoch: 0)
        ]))
        f.heartbeat(3, wantFence: true)
        #expect(f.controller.state.brokers[3]?.fenced == true)
        let outcome = f.commit(f.controller.alterPartition(brokerID: 1, brokerEpoch: f.epochs[1]!, partitions: [
            AlterPartitionInput(topicPartition: tp, leaderEpoch: 0, newISR: [1, 2, 3], partitionEpoch: 1)
        ]))
        #expect(outcome[0].errorCode == .ineligibleReplica)
    }
}
