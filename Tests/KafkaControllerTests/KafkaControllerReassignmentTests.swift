import KafkaController
import KafkaModel
import Testing

/// The core's partition reassignment (Kafka's `onPartitionReassignment`) over in-memory ports: no ZooKeeper.
@Suite(.tags(.unit)) struct KafkaControllerReassignmentTests {
    struct Fixture {
        let context = makeContext(liveBrokers: [1, 2, 3, 4])
        let store = InMemoryPartitionStateStore()
        let sender = RecordingRequestSender()
        let sink = InMemoryControllerTraceSink()
        let deletions = RecordingTopicDeletionClient()
        let reassignments = InMemoryReassignmentStore()
        let core: KafkaController

        init(deleteTopicEnable: Bool = true) {
            core = KafkaController(
                controllerID: 1, context: context, store: store, sender: sender, deletionClient: deletions,
                reassignmentStore: reassignments, isDeleteTopicEnabled: deleteTopicEnable, traceSink: sink)
        }

        func createTopic(_ topic: String, _ assignment: [Int32: [BrokerID]]) throws {
            context.addTopic(topic)
            for (partition, replicas) in assignment {
                context.updatePartitionFullReplicaAssignment(tp(topic, partition), ReplicaAssignment(replicas: replicas))
            }
            try core.flows.onNewPartitionCreation(assignment.keys.sorted().map { tp(topic, $0) })
            sender.clear()
        }

        /// A leader wrote a new ISR to the partition state (as a broker does), bumping its version.
        func leaderWritesISR(_ partition: TopicPartition, _ isr: [BrokerID]) {
            store.states[partition]!.leaderAndISR.isr = isr
            store.states[partition]!.leaderAndISR.zkVersion += 1
        }
    }

    let t0 = tp("t", 0)

    @Test func request_whileTargetsCatchUp_recordsTheFullAssignment_bumpsTheEpoch_andAddsReplicas() throws {
        let f = Fixture()
        try f.createTopic("t", [0: [1, 2, 3], 1: [2, 3, 1]])
        f.reassignments.pending = [t0: [2, 3, 4]]
        let epochBefore = try #require(f.store.states[t0]).leaderAndISR.leaderEpoch

        let started = try f.core.onPartitionReassignmentRequest([t0: [2, 3, 4]])

        #expect(started == [t0])
        let inFlight = ReplicaAssignment(replicas: [2, 3, 4, 1], addingReplicas: [4], removingReplicas: [1])
        #expect(f.context.partitionFullReplicaAssignment(t0) == inFlight)
        // The whole topic is written, the other partition as it was.
        #expect(f.reassignments.topicAssignments["t"] == [0: inFlight, 1: ReplicaAssignment(replicas: [2, 3, 1])])
        #expect(f.store.states[t0]?.leaderAndISR.leaderEpoch == epochBefore + 1)
        #expect(f.context.partitionsBeingReassigned == [t0])
        #expect(f.reassignments.watched.contains(t0))
        #expect(f.context.replicaState(replica(t0, 4)) == .new)
        // LeaderAndIsr: origin replicas not new, the adding replica new, all with the in-flight replica list.
        let leaderAndISR = f.sender.sent.compactMap(\.leaderAndISR)
        let isNew = Dictionary(
            leaderAndISR.flatMap { request in request.partitionStates.filter { $0.topicPartition == t0 }.map { (request.brokerID, $0.isNew) } },
            uniquingKeysWith: { $0 || $1 })
        #expect(isNew == [1: false, 2: false, 3: false, 4: true])
        #expect(f.reassignments.pending == [t0: [2, 3, 4]], "the request stays until the reassignment completes")
    }

    @Test func targetsInTheISR_completeTheReassignment_movingTheLeaderOff_andRemovingTheRequest() throws {
        let f = Fixture()
        try f.createTopic("t", [0: [1, 2, 3]])
        f.reassignments.pending = [t0: [2, 3, 4]]
        _ = try f.core.onPartitionReassignmentRequest([t0: [2, 3, 4]])
        f.sender.clear()

        f.leaderWritesISR(t0, [1, 2, 3, 4])
        try f.core.onPartitionReassignmentISRChange(t0)

        #expect(f.context.partitionFullReplicaAssignment(t0) == ReplicaAssignment(replicas: [2, 3, 4]))
        #expect(f.reassignments.topicAssignments["t"] == [0: ReplicaAssignment(replicas: [2, 3, 4])])
        let state = try #require(f.store.states[t0]).leaderAndISR
        #expect(state.leader == 2, "broker 1 is not a target: the first live target in the ISR leads")
        #expect(!state.isr.contains(1))
        #expect(f.context.replicaState(replica(t0, 1)) == .nonExistent)
        #expect(f.context.replicaState(replica(t0, 4)) == .online)
        #expect(f.context.partitionsBeingReassigned.isEmpty)
        #expect(f.reassignments.pending == nil)
        #expect(f.reassignments.removals == 1)
        #expect(f.sender.sent.compactMap(\.stopReplica).contains { $0.brokerID == 1 && $0.partitionStates.contains(where: \.deletePartition) })
        let updated = Set(f.sender.sent.compactMap(\.updateMetadata).filter { $0.partitionStates.contains { $0.topicPartition == t0 } }.map(\.brokerID))
        #expect(updated == [1, 2, 3, 4])
    }

    @Test func isrChange_beforeTheTargetsCaughtUp_changesNothing_butWatchesAgain() throws {
        let f = Fixture()
        try f.createTopic("t", [0: [1, 2, 3]])
        _ = try f.core.onPartitionReassignmentRequest([t0: [2, 3, 4]])
        let watchesBefore = f.reassignments.watched.count
        f.sender.clear()

        f.leaderWritesISR(t0, [1, 2])
        try f.core.onPartitionReassignmentISRChange(t0)

        #expect(f.context.partitionFullReplicaAssignment(t0).isBeingReassigned)
        #expect(f.sender.sent.isEmpty)
        #expect(f.reassignments.watched.count == watchesBefore + 1)
    }

    @Test func invalidRequests_areDroppedFromThePendingRequest_validOnesStart() throws {
        let f = Fixture()
        try f.createTopic("t", [0: [1, 2, 3], 1: [2, 3, 1]])
        try f.createTopic("doomed", [0: [1, 2]])
        f.context.topicsToBeDeleted.insert("doomed")
        let requested: [TopicPartition: [BrokerID]] = [
            t0: [2, 3, 4], tp("t", 1): [2, 2, 3], tp("t", 9): [1], tp("doomed", 0): [3, 4],
        ]
        f.reassignments.pending = requested

        let started = try f.core.onPartitionReassignmentRequest(requested)

        #expect(started == [t0])
        #expect(f.reassignments.pending == [t0: [2, 3, 4]])
        #expect(f.context.partitionFullReplicaAssignment(tp("t", 1)) == ReplicaAssignment(replicas: [2, 3, 1]))
    }

    @Test func controllerMoved_stopsTheRequest_andLeavesThePendingRequest() throws {
        let f = Fixture()
        try f.createTopic("t", [0: [1, 2, 3]])
        f.reassignments.pending = [t0: [2, 3, 4]]
        f.reassignments.thrownOnWrite = ControllerError(.controllerMoved, "epoch zkVersion moved")

        #expect(throws: ControllerError.self) { try f.core.onPartitionReassignmentRequest([t0: [2, 3, 4]]) }
        #expect(f.reassignments.pending == [t0: [2, 3, 4]])
        #expect(f.context.partitionFullReplicaAssignment(t0) == ReplicaAssignment(replicas: [1, 2, 3]))
    }

    @Test func failover_loadsInFlightReassignments_fromTheAssignments_andResumesThem() throws {
        let f = Fixture()
        try f.createTopic("t", [0: [1, 2, 3], 1: [2, 3, 1]])
        let inFlight = ReplicaAssignment(replicas: [2, 3, 4, 1], addingReplicas: [4], removingReplicas: [1])
        f.context.updatePartitionFullReplicaAssignment(t0, inFlight)

        f.core.loadPartitionsBeingReassigned()
        #expect(f.context.partitionsBeingReassigned == [t0])
        try f.core.resumePartitionReassignments(skipping: [])

        #expect(f.sender.sent.compactMap(\.leaderAndISR).contains { $0.brokerID == 4 && $0.partitionStates.contains { $0.topicPartition == t0 && $0.isNew } })
        #expect(f.reassignments.watched.contains(t0))
        f.sender.clear()
        try f.core.resumePartitionReassignments(skipping: [t0])
        #expect(f.sender.sent.isEmpty, "a partition a request just restarted is not resumed twice")
    }

    @Test func reassigningATopicQueuedForDeletion_haltsItsDeletion_untilTheReassignmentCompletes() throws {
        let f = Fixture()
        try f.createTopic("t", [0: [1, 2, 3]])
        _ = try f.core.onPartitionReassignmentRequest([t0: [2, 3, 4]])
        try f.core.onTopicDeletionRequest(["t"])
        #expect(f.context.topicsIneligibleForDeletion == ["t"])

        f.leaderWritesISR(t0, [1, 2, 3, 4])
        try f.core.onPartitionReassignmentISRChange(t0)
        #expect(!f.context.topicsIneligibleForDeletion.contains("t"))
    }
}
