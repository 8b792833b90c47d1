import KafkaController
import KafkaModel
import Testing

/// Records the ZooKeeper side of topic deletion.
final class RecordingTopicDeletionClient: TopicDeletionClient {
    private(set) var deletedTopics: [String] = []
    private(set) var deletedDeletionMarkers: [String] = []
    private(set) var muted: [String] = []
    func deleteTopic(_ topic: String, epochZKVersion: Int32) throws { deletedTopics.append(topic) }
    func deleteTopicDeletions(_ topics: [String], epochZKVersion: Int32) throws { deletedDeletionMarkers += topics }
    func mutePartitionModifications(_ topic: String) { muted.append(topic) }
}

@Suite(.tags(.unit)) struct TopicDeletionManagerTests {
    struct Fixture {
        let context = makeContext(liveBrokers: [1, 2, 3])
        let store = InMemoryPartitionStateStore()
        let sender = RecordingRequestSender()
        let sink = InMemoryControllerTraceSink()
        let client = RecordingTopicDeletionClient()
        let flows: ControllerFlows
        let manager: TopicDeletionManager

        init(deleteTopicEnable: Bool = true) {
            flows = ControllerFlows(controllerID: 1, context: context, store: store, sender: sender, traceSink: sink)
            manager = TopicDeletionManager(flows: flows, client: client, isDeleteTopicEnabled: deleteTopicEnable)
            flows.topicDeletionManager = manager
        }

        func createTopic(_ topic: String, _ assignment: [Int32: [BrokerID]]) throws {
            for (partition, replicas) in assignment {
                context.updatePartitionFullReplicaAssignment(tp(topic, partition), ReplicaAssignment(replicas: replicas))
            }
            try flows.onNewPartitionCreation(assignment.keys.sorted().map { tp(topic, $0) })
            sender.clear()
        }

        /// The replica state transitions recorded for one replica, as `from→to` strings, in order.
        func replicaTransitions(_ r: PartitionReplica) -> [String] {
            sink.records.compactMap { record in
                guard case .transition(let t) = record, t.kind == .replica, t.outcome == .applied,
                    t.topicPartition == r.topicPartition, t.replica == r.replica
                else { return nil }
                return "\(t.from)→\(t.to)"
            }
        }

        /// Answers every StopReplica(delete) sent since the last clear, per broker, with `error` for `failing`.
        func answerStopReplicas(failing: Set<PartitionReplica> = [], error: Int16 = 56) throws {
            let requests = sender.sent.compactMap(\.stopReplica).filter { $0.partitionStates.contains(where: \.deletePartition) }
            sender.clear()
            for request in requests {
                var errors: [TopicPartition: Int16] = [:]
                for state in request.partitionStates {
                    errors[state.topicPartition] = failing.contains(replica(state.topicPartition, request.brokerID)) ? error : 0
                }
                try manager.onStopReplicaResponse(brokerID: request.brokerID, errorCode: 0, partitionErrors: errors)
            }
        }
    }

    @Test func enqueue_allReplicasLive_sendsMetadataWithLeaderDuringDelete_andStopReplicaDelete() throws {
        let f = Fixture()
        try f.createTopic("t", [0: [1, 2], 1: [2, 3]])
        try f.manager.enqueueTopicsForDeletion(["t"])

        #expect(f.context.topicsWithDeletionStarted == ["t"])
        for p in f.context.partitionsForTopic("t") { #expect(f.context.partitionState(p) == .nonExistent) }
        // UpdateMetadata to every broker with the partitions marked as being deleted.
        let metadata = f.sender.sent.compactMap(\.updateMetadata).filter { !$0.partitionStates.isEmpty }
        #expect(Set(metadata.map(\.brokerID)) == [1, 2, 3])
        #expect(metadata.allSatisfy { $0.partitionStates.allSatisfy { $0.leader == -2 } })
        // StopReplica(delete=false) then StopReplica(delete=true) to each replica's broker.
        let stops = f.sender.sent.compactMap(\.stopReplica)
        let deleting = stops.filter { $0.partitionStates.allSatisfy(\.deletePartition) }
        #expect(Set(deleting.map(\.brokerID)) == [1, 2, 3])
        #expect(stops.contains { !$0.partitionStates.contains(where: \.deletePartition) })
        for r in f.context.replicasForTopics(["t"]) { #expect(f.context.replicaState(r) == .deletionStarted) }
        #expect(f.replicaTransitions(replica(tp("t", 0), 1)) == ["NonExistentReplica→NewReplica", "NewReplica→OnlineReplica", "OnlineReplica→OfflineReplica", "OfflineReplica→ReplicaDeletionStarted"])
        #expect(f.client.deletedTopics.isEmpty)
    }

    @Test func stopReplicaResponses_allSuccessful_completeTheTopic() throws {
        let f = Fixture()
        try f.createTopic("t", [0: [1, 2], 1: [2, 3]])
        try f.createTopic("other", [0: [1]])
        try f.manager.enqueueTopicsForDeletion(["t"])
        try f.answerStopReplicas()

        #expect(f.client.deletedTopics == ["t"])
        #expect(f.client.muted == ["t"])
        #expect(!f.context.allTopics.contains("t"))
        #expect(f.context.topicsToBeDeleted.isEmpty)
        #expect(f.context.replicasForTopics(["t"]).isEmpty)
        #expect(f.context.replicaStates.keys.allSatisfy { $0.topicPartition.topic == "other" })
        #expect(f.replicaTransitions(replica(tp("t", 1), 3)).suffix(2) == ["ReplicaDeletionStarted→ReplicaDeletionSuccessful", "ReplicaDeletionSuccessful→NonExistentReplica"])
        #expect(f.context.allTopics.contains("other"))
    }

    @Test func stopReplicaError_marksReplicaIneligible_andRetriesWithoutWaiting() throws {
        let f = Fixture()
        try f.createTopic("t", [0: [1, 2]])
        try f.manager.enqueueTopicsForDeletion(["t"])
        // Broker 2 fails; broker 1 succeeds.
        let failing = replica(tp("t", 0), 2)
        let requests = f.sender.sent.compactMap(\.stopReplica).filter { $0.partitionStates.contains(where: \.deletePartition) }
        f.sender.clear()
        for request in requests.sorted(by: { $0.brokerID > $1.brokerID }) {
            try f.manager.onStopReplicaResponse(
                brokerID: request.brokerID, errorCode: 0,
                partitionErrors: [tp("t", 0): request.brokerID == failing.replica ? 56 : 0])
        }
        // The failed replica is ineligible; with nothing in flight the topic is halted (not retried yet).
        #expect(f.context.topicsIneligibleForDeletion == ["t"])
        #expect(f.replicaTransitions(failing).contains("ReplicaDeletionStarted→ReplicaDeletionIneligible"))
        #expect(f.context.replicaState(replica(tp("t", 0), 1)) == .deletionSuccessful)
        #expect(f.client.deletedTopics.isEmpty)

        // Resuming (e.g. the broker came back) retries only the failed replica and completes on success.
        try f.manager.resumeDeletionForTopics(["t"])
        #expect(f.context.replicaState(failing) == .deletionStarted)
        #expect(f.sender.sent.compactMap(\.stopReplica).filter { $0.partitionStates.contains(where: \.deletePartition) }.map(\.brokerID) == [2])
        try f.answerStopReplicas()
        #expect(f.client.deletedTopics == ["t"])
    }

    @Test func offlineReplica_haltsDeletion_untilItsBrokerStarts() throws {
        let f = Fixture()
        try f.createTopic("t", [0: [1, 3]])
        f.context.removeLiveBrokers([3])
        try f.flows.onBrokerFailure([3])
        f.sender.clear()

        try f.manager.enqueueTopicsForDeletion(["t"])
        #expect(f.context.topicsIneligibleForDeletion == ["t"])
        #expect(f.context.replicaState(replica(tp("t", 0), 3)) == .deletionIneligible)
        // Only the live replica is asked to delete.
        #expect(f.sender.sent.compactMap(\.stopReplica).filter { $0.partitionStates.contains(where: \.deletePartition) }.map(\.brokerID) == [1])
        try f.answerStopReplicas()
        #expect(f.client.deletedTopics.isEmpty)
        #expect(f.context.replicaState(replica(tp("t", 0), 1)) == .deletionSuccessful)

        // Broker 3 comes back: its replica goes online, deletion resumes and finishes.
        f.context.addLiveBrokers([broker(3)])
        try f.flows.onBrokerStartup([3])
        #expect(f.context.replicaState(replica(tp("t", 0), 3)) == .deletionStarted)
        #expect(f.context.topicsIneligibleForDeletion.isEmpty)
        try f.answerStopReplicas()
        #expect(f.client.deletedTopics == ["t"])
        #expect(!f.context.allTopics.contains("t"))
    }

    @Test func brokerDiesDuringDeletion_failsItsReplicas() throws {
        let f = Fixture()
        try f.createTopic("t", [0: [1, 2]])
        try f.manager.enqueueTopicsForDeletion(["t"])
        f.sender.clear()
        f.context.removeLiveBrokers([2])
        try f.flows.onBrokerFailure([2])
        #expect(f.context.replicaState(replica(tp("t", 0), 2)) == .deletionIneligible)
        #expect(f.context.topicsIneligibleForDeletion == ["t"])
    }

    @Test func reassignmentInProgress_makesTopicIneligible() throws {
        let f = Fixture()
        try f.createTopic("t", [0: [1, 2]])
        f.context.partitionsBeingReassigned.insert(tp("t", 0))
        try f.manager.enqueueTopicsForDeletion(["t"])
        #expect(f.context.topicsToBeDeleted == ["t"])
        #expect(f.context.topicsIneligibleForDeletion == ["t"])
        #expect(f.context.topicsWithDeletionStarted.isEmpty)
        #expect(f.sender.sent.compactMap(\.stopReplica).isEmpty)
    }

    @Test func deleteTopicDisabled_initializeRemovesMarkers_andEnqueueDoesNothing() throws {
        let f = Fixture(deleteTopicEnable: false)
        try f.createTopic("t", [0: [1]])
        try f.manager.initialize(topicsToBeDeleted: ["t"], topicsIneligibleForDeletion: [])
        #expect(f.client.deletedDeletionMarkers == ["t"])
        try f.manager.enqueueTopicsForDeletion(["t"])
        #expect(f.context.topicsToBeDeleted.isEmpty)
        #expect(f.sender.sent.isEmpty)
    }

    @Test func failover_initializeThenTryTopicDeletion_resumesQueuedTopic() throws {
        let f = Fixture()
        try f.createTopic("t", [0: [1, 2]])
        try f.manager.initialize(topicsToBeDeleted: ["t"], topicsIneligibleForDeletion: ["t", "unqueued"])
        #expect(f.context.topicsIneligibleForDeletion == ["t"])
        try f.manager.tryTopicDeletion()
        #expect(f.context.topicsWithDeletionStarted.isEmpty)
        try f.manager.resumeDeletionForTopics(["t"])
        try f.answerStopReplicas()
        #expect(f.client.deletedTopics == ["t"])
    }

    @Test func reassignTo_computesAddingAndRemoving() {
        let assignment = ReplicaAssignment(replicas: [1, 2, 3]).reassignTo([2, 3, 4])
        #expect(assignment == ReplicaAssignment(replicas: [2, 3, 4, 1], addingReplicas: [4], removingReplicas: [1]))
        #expect(assignment.targetReplicas == [2, 3, 4])
        #expect(assignment.originReplicas == [2, 3, 1])
        #expect(ReplicaAssignment(replicas: [1, 2, 3]).reassignTo([3, 1, 2]) == ReplicaAssignment(replicas: [3, 1, 2]))
    }
}
