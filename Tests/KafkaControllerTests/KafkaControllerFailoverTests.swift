import KafkaController
import KafkaModel
import Testing

/// The controller-side entry points of topic deletion and the failover steps that decide.
@Suite(.tags(.unit)) struct KafkaControllerFailoverTests {
    @Test func request_queuesExistingTopics_andRemovesRequestsForUnknownOnes() throws {
        let f = KafkaControllerReassignmentTests.Fixture()
        try f.createTopic("t", [0: [1, 2]])
        try f.core.onTopicDeletionRequest(["t", "ghost"])
        #expect(f.deletions.deletedDeletionMarkers == ["ghost"])
        #expect(f.context.topicsToBeDeleted == ["t"])
        #expect(f.context.replicaState(replica(tp("t", 0), 1)) == .deletionStarted)
    }

    @Test func withDeletionDisabled_everyRequestIsRemoved_nothingQueued() throws {
        let f = KafkaControllerReassignmentTests.Fixture(deleteTopicEnable: false)
        try f.createTopic("t", [0: [1, 2]])
        try f.core.onTopicDeletionRequest(["t", "ghost"])
        #expect(f.deletions.deletedDeletionMarkers == ["ghost", "t"])
        #expect(f.context.topicsToBeDeleted.isEmpty)
    }

    @Test func failover_queuedTopicWithAnOfflineReplica_isIneligible_unknownOnesAreRemoved() throws {
        let f = KafkaControllerReassignmentTests.Fixture()
        try f.createTopic("t", [0: [1, 2]])
        try f.createTopic("u", [0: [1, 3]])
        f.context.removeLiveBrokers([2])

        try f.core.initializeTopicDeletion(queued: ["t", "u", "ghost"])

        #expect(f.context.topicsToBeDeleted == ["t", "u"])
        #expect(f.context.topicsIneligibleForDeletion == ["t"])
        #expect(f.deletions.deletedDeletionMarkers == ["ghost"])
    }

    @Test func failover_startStateMachines_tellsEveryBrokerTheLiveSet_andElectsLeaders() throws {
        let f = KafkaControllerReassignmentTests.Fixture()
        f.context.addTopic("t")
        f.context.updatePartitionFullReplicaAssignment(tp("t", 0), ReplicaAssignment(replicas: [2, 3]))
        f.store.seed(tp("t", 0), leader: 2, isr: [2, 3])
        f.context.putPartitionLeadershipInfo(tp("t", 0), try #require(f.store.states[tp("t", 0)]))

        try f.core.startStateMachines()

        #expect(f.context.partitionState(tp("t", 0)) == .online)
        #expect(f.context.replicaState(replica(tp("t", 0), 3)) == .online)
        let first = try #require(f.sender.sent.first?.updateMetadata)
        #expect(first.partitionStates.isEmpty)
        #expect(Set(f.sender.sent.compactMap(\.leaderAndISR).map(\.brokerID)) == [2, 3])
    }
}
