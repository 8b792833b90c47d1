import KafkaController
import KafkaModel
import KafkaZooKeeperData
import Testing

@testable import ZooKeeperModeController

/// The shell's event handling end to end — watches read, core called, writes and requests executed — over an
/// in-memory ZooKeeper port, partition state store and broker channels. Events are processed on the test's
/// thread, one at a time, as the event thread would.
@Suite(.tags(.unit)) struct ControllerShellEventTests {
    final class Fixture {
        let zooKeeper = InMemoryControllerZooKeeper()
        let states: InMemoryPartitionStates
        let channels = RecordingControllerChannels()
        let controller: ZooKeeperModeController

        /// Brokers 1–3 registered, topic `t` with t-0 on [1, 2] (led by 1) and t-1 on [2, 3] (led by 2).
        init() throws {
            states = InMemoryPartitionStates(zooKeeper: zooKeeper)
            zooKeeper.brokers = [1, 2, 3].map(Self.broker)
            let channels = self.channels
            controller = ZooKeeperModeController(
                configuration: ControllerConfiguration(brokerID: 1, interBrokerListenerName: "PLAINTEXT", autoLeaderRebalanceEnable: false),
                zooKeeper: zooKeeper, partitionStates: states, traceSink: InMemoryControllerTraceSink(), brokerEpoch: 101,
                makeChannels: { _ in channels }, reregisterBroker: { 101 })
            addTopic("t", [0: [1, 2], 1: [2, 3]])
        }

        static func broker(_ id: BrokerID) -> BrokerInfo {
            BrokerInfo(
                id: id, endpoints: [BrokerEndpoint(listenerName: "PLAINTEXT", host: "b\(id)", port: 9092, securityProtocol: "PLAINTEXT")],
                epoch: 100 + Int64(id))
        }

        /// A topic as an earlier controller left it: the topic znode and every partition's state, led by its first replica.
        func addTopic(_ topic: String, _ assignment: [Int32: [BrokerID]]) {
            zooKeeper.create(
                ZNodePaths.topic(topic),
                TopicZNode(topic: topic, topicID: "id-\(topic)", partitions: assignment.mapValues { ReplicaAssignment(replicas: $0) }).encode())
            for (partition, replicas) in assignment {
                states.states[TopicPartition(topic: topic, partition: partition)] = LeaderISRAndControllerEpoch(
                    leaderAndISR: LeaderAndISR(leader: replicas[0], isr: replicas), controllerEpoch: 0)
            }
        }

        /// This broker starts and wins the election (the `Startup` event).
        func startAsController() throws {
            try controller.process(.startup)
            channels.clear()
        }

        func topicZNode(_ topic: String) throws -> TopicZNode? {
            guard let node = zooKeeper.znodes[ZNodePaths.topic(topic)] else { return nil }
            return try TopicZNode.decode(topic: topic, data: node.data)
        }

        func leaderAndISR(_ partition: TopicPartition) -> LeaderAndISR? { states.states[partition]?.leaderAndISR }
    }

    let t0 = TopicPartition(topic: "t", partition: 0)
    let t1 = TopicPartition(topic: "t", partition: 1)

    @Test func startup_electsThisBroker_loadsTheContext_armsTheWatches_andTellsEveryBroker() throws {
        let f = try Fixture()
        try f.controller.process(.startup)

        #expect(f.controller.isActive)
        #expect(f.zooKeeper.controller == 1)
        #expect(f.controller.context.epoch == 1)
        #expect(f.controller.context.allTopics == ["t"])
        #expect(f.controller.context.partitionState(t0) == .online)
        #expect(f.channels.added == [1, 2, 3])
        for watch in [
            "exists:" + ZNodePaths.controller, "children:" + ZNodePaths.brokerIDs, "exists:" + ZNodePaths.broker(2), "children:" + ZNodePaths.topics,
            "data:" + ZNodePaths.topic("t"), "children:" + ZNodePaths.deleteTopics, "exists:" + ZNodePaths.reassignPartitions,
            "exists:" + ZNodePaths.preferredReplicaElection, "children:" + ZNodePaths.isrChangeNotification,
        ] {
            #expect(f.zooKeeper.armedWatches.contains(watch), "\(watch) armed")
        }
        let updateMetadataBrokers = Set(f.channels.sent.compactMap { request -> BrokerID? in
            if case .updateMetadata(let update) = request { update.brokerID } else { nil }
        })
        #expect(updateMetadataBrokers == [1, 2, 3])
        let leaderAndISRBrokers = Set(f.channels.sent.compactMap { request -> BrokerID? in
            if case .leaderAndISR(let leaderAndISR) = request { leaderAndISR.brokerID } else { nil }
        })
        #expect(leaderAndISRBrokers == [1, 2, 3])
    }

    @Test func brokerFailure_movesItsLeaderships_shrinksTheISRs_andClosesItsChannel() throws {
        let f = try Fixture()
        try f.startAsController()
        f.zooKeeper.brokers.removeAll { $0.id == 2 }

        try f.controller.process(.brokerChange)

        #expect(f.channels.removed == [2])
        #expect(f.controller.context.liveBrokerIDs == [1, 3])
        #expect(f.leaderAndISR(t1)?.leader == 3)
        #expect(f.leaderAndISR(t1)?.isr == [3])
        #expect(f.leaderAndISR(t0)?.leader == 1)
        #expect(f.leaderAndISR(t0)?.isr == [1])
        // The children watch set at startup has not fired (watches never fire here): it is not set a second time.
        #expect(f.zooKeeper.armedWatches.filter { $0 == "children:" + ZNodePaths.brokerIDs }.count == 1)
    }

    @Test func brokerFailure_sendsTheElectionsBeforeWritingTheISRShrinks() throws {
        let f = try Fixture()
        try f.startAsController()
        var t0ISRAtEachSend: [[BrokerID]?] = []
        f.channels.onSend = { t0ISRAtEachSend.append(f.leaderAndISR(self.t0)?.isr) }
        f.zooKeeper.brokers.removeAll { $0.id == 2 }

        try f.controller.process(.brokerChange)

        func leaderAndISRStates(_ requests: [ControllerBrokerRequest]) -> [LeaderAndISRPartitionState] {
            requests.flatMap { request -> [LeaderAndISRPartitionState] in
                if case .leaderAndISR(let r) = request { r.partitionStates } else { [] }
            }
        }
        // Kafka's order: the election pass's requests go out (t1 led by 3) before the replica pass removes
        // broker 2 from t0's ISR, and that shrink goes out in a later batch.
        let first = try #require(f.channels.sendCalls.first)
        #expect(leaderAndISRStates(first).contains { $0.topicPartition == t1 && $0.leader == 3 })
        #expect(t0ISRAtEachSend.first == [1, 2])
        #expect(f.channels.sendCalls.count >= 2)
        #expect(leaderAndISRStates(f.channels.sendCalls.dropFirst().flatMap { $0 }).contains { $0.topicPartition == t0 && $0.isr == [1] })
        #expect(f.leaderAndISR(t0)?.isr == [1])
    }

    @Test func reassignmentZNode_recordsTheInFlightAssignment_thenCompletesOnTheISRChange() throws {
        let f = try Fixture()
        try f.startAsController()
        f.zooKeeper.create(ZNodePaths.reassignPartitions, ReassignPartitionsZNode.encode([t0: [2, 3]]))

        try f.controller.process(.zkPartitionReassignment)

        let inFlight = ReplicaAssignment(replicas: [2, 3, 1], addingReplicas: [3], removingReplicas: [1])
        #expect(try f.topicZNode("t")?.partitions[0] == inFlight)
        #expect(try f.topicZNode("t")?.topicID == "id-t", "the topic id is kept")
        #expect(f.zooKeeper.armedWatches.contains("exists:" + ZNodePaths.partitionState("t", 0)))
        #expect(f.zooKeeper.znodes[ZNodePaths.reassignPartitions] != nil)

        f.states.leaderWritesISR(t0, [1, 2, 3])
        try f.controller.process(.partitionReassignmentISRChange(partition: t0))

        #expect(try f.topicZNode("t")?.partitions[0] == ReplicaAssignment(replicas: [2, 3]))
        #expect(f.zooKeeper.znodes[ZNodePaths.reassignPartitions] == nil)
        #expect(f.zooKeeper.writes.contains("delete " + ZNodePaths.reassignPartitions))
        #expect(f.leaderAndISR(t0)?.leader == 2)
        #expect(f.leaderAndISR(t0)?.isr.contains(1) == false)
        #expect(f.controller.context.partitionsBeingReassigned.isEmpty)
    }

    /// Kafka 2.8's `processAlterIsr`: the leader's expansion is written by the controller, answered, and completes the
    /// reassignment that waited for the new replica (`maybeCompleteReassignment` after the callback).
    @Test func alterIsr_writesTheExpansion_answersIt_andCompletesAWaitingReassignment() throws {
        let f = try Fixture()
        try f.startAsController()
        f.zooKeeper.create(ZNodePaths.reassignPartitions, ReassignPartitionsZNode.encode([t0: [2, 3]]))
        try f.controller.process(.zkPartitionReassignment)
        let current = try #require(f.leaderAndISR(t0))

        let reply = AlterIsrReplyBox()
        let asked = LeaderAndISR(leader: 1, leaderEpoch: current.leaderEpoch, isr: [1, 2, 3], zkVersion: current.zkVersion)
        try f.controller.process(.alterIsrReceived(brokerID: 1, brokerEpoch: 101, changes: [t0: asked]) { reply.result = $0 })

        let answer = try #require(try reply.result?.get()[t0]?.get())
        #expect(answer.isr == [1, 2, 3] && answer.zkVersion == current.zkVersion + 1)
        // The reassignment completed on the written ISR: 2 leads, 1 left the assignment.
        #expect(try f.topicZNode("t")?.partitions[0] == ReplicaAssignment(replicas: [2, 3]))
        #expect(f.leaderAndISR(t0)?.leader == 2)
        #expect(f.controller.context.partitionsBeingReassigned.isEmpty)
    }

    @Test func alterIsr_staleBrokerEpochOrInactive_isRefusedWithoutAWrite() throws {
        let f = try Fixture()
        let inactive = AlterIsrReplyBox()
        let change = LeaderAndISR(leader: 1, leaderEpoch: 0, isr: [1], zkVersion: 0)
        try f.controller.process(.alterIsrReceived(brokerID: 1, brokerEpoch: 101, changes: [t0: change]) { inactive.result = $0 })
        #expect(inactive.errorCode == .notController)

        try f.startAsController()
        let before = f.leaderAndISR(t0)
        let stale = AlterIsrReplyBox()
        try f.controller.process(.alterIsrReceived(brokerID: 1, brokerEpoch: 100, changes: [t0: change]) { stale.result = $0 })
        #expect(stale.errorCode == .staleBrokerEpoch)
        #expect(f.leaderAndISR(t0) == before)
    }

    final class AlterIsrReplyBox: @unchecked Sendable {
        var result: Result<[TopicPartition: Result<LeaderAndISR, ControllerError>], ControllerError>?
        var errorCode: ControllerError.Code? { if case .failure(let error) = result { error.code } else { nil } }
    }

    @Test func deleteTopicsZNode_stopsAndDeletesTheReplicas_thenRemovesTheTopicsZNodes() throws {
        let f = try Fixture()
        try f.startAsController()
        f.zooKeeper.create(ZNodePaths.deleteTopic("t"), [])

        try f.controller.process(.topicDeletion)

        let deletes = f.channels.sent.compactMap { request -> StopReplicaRequest? in
            if case .stopReplica(let stop) = request, stop.partitionStates.contains(where: \.deletePartition) { stop } else { nil }
        }
        #expect(Set(deletes.map(\.brokerID)) == [1, 2, 3])
        #expect(f.zooKeeper.znodes[ZNodePaths.topic("t")] != nil, "the znodes stay until every replica is deleted")

        for stop in deletes {
            try f.controller.process(
                .topicDeletionStopReplicaResponseReceived(
                    brokerID: stop.brokerID, errorCode: 0,
                    partitionErrors: Dictionary(uniqueKeysWithValues: stop.partitionStates.map { ($0.topicPartition, Int16(0)) })))
        }

        #expect(f.zooKeeper.znodes[ZNodePaths.topic("t")] == nil)
        #expect(f.zooKeeper.znodes[ZNodePaths.deleteTopic("t")] == nil)
        #expect(!f.controller.context.allTopics.contains("t"))
    }

    @Test func deleteTopicsZNode_forAnUnknownTopic_isRemoved() throws {
        let f = try Fixture()
        try f.startAsController()
        f.zooKeeper.create(ZNodePaths.deleteTopic("ghost"), [])

        try f.controller.process(.topicDeletion)

        #expect(f.zooKeeper.znodes[ZNodePaths.deleteTopic("ghost")] == nil)
        #expect(f.channels.sent.isEmpty)
    }

    @Test func fencedWrite_afterAnotherControllerWon_resignsWithoutChangingTheState() throws {
        let f = try Fixture()
        try f.startAsController()
        let before = f.leaderAndISR(t1)
        f.zooKeeper.electAnotherController(9)
        f.zooKeeper.brokers.removeAll { $0.id == 2 }

        try f.controller.process(.brokerChange)

        #expect(!f.controller.isActive)
        #expect(f.controller.activeControllerID == 9)
        #expect(f.channels.isShutDown)
        #expect(f.leaderAndISR(t1) == before)
    }

    @Test func inactiveController_ignoresBrokerAndAdminEvents() throws {
        let f = try Fixture()
        f.zooKeeper.controller = 2  // broker 2 is the controller
        try f.controller.process(.startup)
        f.zooKeeper.brokers.removeAll { $0.id == 3 }
        f.zooKeeper.create(ZNodePaths.deleteTopic("t"), [])

        try f.controller.process(.brokerChange)
        try f.controller.process(.topicDeletion)

        #expect(!f.controller.isActive)
        #expect(f.controller.activeControllerID == 2)
        #expect(f.channels.added.isEmpty)
        #expect(f.zooKeeper.znodes[ZNodePaths.deleteTopic("t")] != nil)
        #expect(f.zooKeeper.writes.isEmpty)
    }
}
