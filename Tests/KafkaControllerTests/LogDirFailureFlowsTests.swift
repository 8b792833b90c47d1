import KafkaController
import KafkaModel
import Testing

/// Kafka 2.8's handling of a failed log directory on the controller: `onBrokerLogDirFailure` asks the broker with
/// LeaderAndIsr, `processLeaderAndIsrResponseReceived` turns KAFKA_STORAGE_ERROR answers into offline replicas.
@Suite(.tags(.unit)) struct LogDirFailureFlowsTests {
    static let storageError: Int16 = 56

    func fixture() throws -> ControllerFlowsTests.Fixture {
        let f = ControllerFlowsTests.Fixture()
        // Broker 1 leads t-0 and follows t-1; broker 2 leads t-1.
        try f.createTopic("t", [0: [1, 2, 3], 1: [2, 1, 3]])
        f.sender.clear()
        return f
    }

    @Test func onBrokerLogDirFailure_sendsLeaderAndIsrForEveryReplicaOnTheBroker_changesNothingElse() throws {
        let f = try fixture()
        let before = f.context.partitionLeadershipInfo
        try f.flows.onBrokerLogDirFailure([1])
        let asked = f.sender.sent.compactMap(\.leaderAndISR).filter { $0.brokerID == 1 }
        #expect(Set(asked.flatMap(\.partitionStates).map(\.topicPartition)) == [tp("t", 0), tp("t", 1)])
        #expect(!f.sender.sent.compactMap(\.leaderAndISR).contains { $0.brokerID != 1 })
        #expect(f.context.partitionLeadershipInfo == before)
        #expect(f.context.replicasOnOfflineDirectories.isEmpty)
    }

    @Test func storageErrorAnswer_marksReplicasOffline_reelectsLedPartitions_shrinksISR() throws {
        let f = try fixture()
        let newlyOffline = try f.flows.onLeaderAndISRResponse(
            brokerID: 1, errorCode: 0, partitionErrors: [tp("t", 0): Self.storageError, tp("t", 1): Self.storageError])
        #expect(newlyOffline == [tp("t", 0), tp("t", 1)])
        #expect(f.context.replicasOnOfflineDirectories[1] == [tp("t", 0), tp("t", 1)])
        #expect(!f.context.isReplicaOnline(1, tp("t", 0)))
        // The broker itself is still live: only its replicas on the failed dir are offline.
        #expect(f.context.isLiveBroker(1))
        let p0 = try #require(f.context.partitionLeadershipInfo[tp("t", 0)]?.leaderAndISR)
        #expect(p0.leader == 2)
        #expect(!p0.isr.contains(1))
        let p1 = try #require(f.context.partitionLeadershipInfo[tp("t", 1)]?.leaderAndISR)
        #expect(p1.leader == 2)
        #expect(p1.isr == [2, 3])
        #expect(f.context.replicaState(replica(tp("t", 0), 1)) == .offline)
        #expect(f.context.replicaState(replica(tp("t", 1), 1)) == .offline)
        #expect(f.store.states[tp("t", 0)]?.leaderAndISR.leader == 2)
        // Metadata shows the replicas offline (offline_replicas in UpdateMetadata, Metadata v5+).
        let updates = f.sender.sent.compactMap(\.updateMetadata).flatMap(\.partitionStates)
        #expect(updates.contains { $0.topicPartition == tp("t", 0) && $0.offlineReplicas == [1] })
        // StopReplica(delete = false) tells the broker to stop the offline replicas.
        #expect(f.sender.sent.contains { $0.stopReplica?.brokerID == 1 })
    }

    @Test func answersWithoutStorageError_orWithATopLevelError_markNothing() throws {
        let f = try fixture()
        #expect(try f.flows.onLeaderAndISRResponse(brokerID: 1, errorCode: 0, partitionErrors: [tp("t", 0): 0]).isEmpty)
        #expect(try f.flows.onLeaderAndISRResponse(brokerID: 1, errorCode: 11, partitionErrors: [tp("t", 0): Self.storageError]).isEmpty)
        #expect(f.context.replicasOnOfflineDirectories.isEmpty)
        #expect(f.context.partitionLeadershipInfo[tp("t", 0)]?.leaderAndISR.leader == 1)
        #expect(f.sender.sent.isEmpty)
    }

    @Test func repeatedStorageError_isNotNewlyOffline_andANoneAnswerBringsTheReplicaBack() throws {
        let f = try fixture()
        try f.flows.onLeaderAndISRResponse(brokerID: 1, errorCode: 0, partitionErrors: [tp("t", 0): Self.storageError])
        f.sender.clear()
        #expect(try f.flows.onLeaderAndISRResponse(brokerID: 1, errorCode: 0, partitionErrors: [tp("t", 0): Self.storageError]).isEmpty)
        #expect(f.sender.sent.isEmpty)
        // A NONE answer for the partition (e.g. after the broker restarted with the dir repaired) clears it.
        try f.flows.onLeaderAndISRResponse(brokerID: 1, errorCode: 0, partitionErrors: [tp("t", 0): 0])
        #expect(f.context.replicasOnOfflineDirectories[1] == nil)
        #expect(f.context.isReplicaOnline(1, tp("t", 0)))
    }

    @Test func brokerRestart_forgetsItsOfflineDirectories() throws {
        let f = try fixture()
        try f.flows.onLeaderAndISRResponse(brokerID: 1, errorCode: 0, partitionErrors: [tp("t", 1): Self.storageError])
        f.context.removeLiveBrokers([1])
        try f.flows.onBrokerFailure([1])
        #expect(f.context.replicasOnOfflineDirectories[1] == nil)
    }
}
