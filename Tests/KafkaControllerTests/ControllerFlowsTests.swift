import KafkaController
import KafkaModel
import Testing

@Suite(.tags(.unit)) struct ControllerFlowsTests {
    struct Fixture {
        let context = makeContext(liveBrokers: [1, 2, 3])
        let store = InMemoryPartitionStateStore()
        let sender = RecordingRequestSender()
        let sink = InMemoryControllerTraceSink()
        let flows: ControllerFlows

        init() {
            flows = ControllerFlows(controllerID: 1, context: context, store: store, sender: sender, traceSink: sink)
        }

        func createTopic(_ topic: String, _ assignment: [Int32: [BrokerID]]) throws {
            for (partition, replicas) in assignment {
                context.updatePartitionFullReplicaAssignment(tp(topic, partition), ReplicaAssignment(replicas: replicas))
            }
            try flows.onNewPartitionCreation(assignment.keys.sorted().map { tp(topic, $0) })
        }
    }

    @Test func onNewPartitionCreation_partitionsAndReplicasOnline_leadersAreFirstReplicas() throws {
        let f = Fixture()
        try f.createTopic("t", [0: [1, 2], 1: [2, 3], 2: [3, 1]])
        for p in f.context.partitionsForTopic("t") {
            #expect(f.context.partitionState(p) == .online)
            let assignment = f.context.partitionReplicaAssignment(p)
            #expect(f.context.partitionLeadershipInfo[p]?.leaderAndISR == LeaderAndISR(leader: assignment[0], isr: assignment))
            for r in assignment { #expect(f.context.replicaState(replica(p, r)) == .online) }
        }
        #expect(f.store.states.count == 3)
        #expect(f.sender.sent.compactMap(\.leaderAndISR).allSatisfy { $0.partitionStates.allSatisfy(\.isNew) })
        #expect(f.context.offlinePartitionCount == 0)
        #expect(f.context.preferredReplicaImbalanceCount == 0)
    }

    @Test func onBrokerFailure_electsNewLeaders_thenShrinksISR() throws {
        let f = Fixture()
        try f.createTopic("t", [0: [1, 2, 3], 1: [2, 1, 3]])
        f.sender.clear()
        f.context.removeLiveBrokers([1])
        try f.flows.onBrokerFailure([1])

        let p0 = try #require(f.context.partitionLeadershipInfo[tp("t", 0)]?.leaderAndISR)
        // Leader 1 died: elected 2 with the live ISR [2, 3] (epoch 1), then the ISR shrink is a no-op write-wise.
        #expect(p0.leader == 2)
        #expect(p0.isr == [2, 3])
        let p1 = try #require(f.context.partitionLeadershipInfo[tp("t", 1)]?.leaderAndISR)
        // Follower 1 died: leader stays 2, 1 removed from the ISR with a leader-epoch bump.
        #expect(p1.leader == 2)
        #expect(p1.isr == [2, 3])
        #expect(p1.leaderEpoch == 1)
        #expect(f.context.replicaState(replica(tp("t", 0), 1)) == .offline)
        #expect(f.context.partitionState(tp("t", 0)) == .online)
        // Nothing is sent to the dead broker.
        #expect(!f.sender.sent.contains { $0.brokerID == 1 })
        #expect(f.context.preferredReplicaImbalanceCount == 1)
    }

    @Test func onBrokerFailure_lastISRMemberDies_partitionGoesOffline() throws {
        let f = Fixture()
        try f.createTopic("t", [0: [1]])
        f.context.removeLiveBrokers([1])
        try f.flows.onBrokerFailure([1])
        #expect(f.context.partitionState(tp("t", 0)) == .offline)
        #expect(f.context.offlinePartitionCount == 1)
        // UpdateMetadata is not the "no leader change" broadcast: a partition lost its leader.
        #expect(f.store.states[tp("t", 0)]?.leaderAndISR.isr == [1])
    }

    @Test func onBrokerStartup_bootstrapsNewBrokerAndElectsOfflinePartitions() throws {
        let f = Fixture()
        try f.createTopic("t", [0: [1]])
        f.context.removeLiveBrokers([1])
        try f.flows.onBrokerFailure([1])
        f.sender.clear()
        f.context.addLiveBrokers([broker(1)])
        try f.flows.onBrokerStartup([1])
        #expect(f.context.partitionState(tp("t", 0)) == .online)
        #expect(f.context.partitionLeadershipInfo[tp("t", 0)]?.leaderAndISR.leader == 1)
        let updates = f.sender.sent.compactMap(\.updateMetadata)
        #expect(updates.first.map { Set([$0.brokerID]) }.map { !$0.contains(1) } == true)
        #expect(updates.contains { $0.brokerID == 1 && !$0.partitionStates.isEmpty })
    }

    @Test func controlledShutdown_movesLeadershipAndReturnsRemaining() throws {
        let f = Fixture()
        try f.createTopic("t", [0: [1, 2], 1: [2, 1], 2: [1]])
        let remaining = try f.flows.controlledShutdown(brokerID: 1, brokerEpoch: f.context.brokerEpoch(of: 1)!)
        #expect(f.context.partitionLeadershipInfo[tp("t", 0)]?.leaderAndISR.leader == 2)
        #expect(f.context.partitionLeadershipInfo[tp("t", 0)]?.leaderAndISR.isr == [2])
        #expect(f.context.partitionLeadershipInfo[tp("t", 1)]?.leaderAndISR.isr == [2])
        #expect(f.context.replicaState(replica(tp("t", 1), 1)) == .offline)
        // RF 1 partitions are not acted on and not reported.
        #expect(remaining.isEmpty)
        #expect(f.sender.sent.contains { $0.stopReplica?.brokerID == 1 })
        #expect(throws: ControllerError.self) { try f.flows.controlledShutdown(brokerID: 1, brokerEpoch: 0) }
        #expect(throws: ControllerError.self) { try f.flows.controlledShutdown(brokerID: 9, brokerEpoch: -1) }
    }

    @Test func autoRebalance_overThreshold_electsPreferredLeaders() throws {
        let f = Fixture()
        try f.createTopic("t", [0: [1, 2], 1: [1, 2], 2: [2, 1]])
        f.context.removeLiveBrokers([1])
        try f.flows.onBrokerFailure([1])
        f.context.addLiveBrokers([broker(1)])
        try f.flows.onBrokerStartup([1])
        // Broker 1 is back but leads nothing; its replicas are not in the ISR yet → not eligible.
        #expect(f.flows.autoRebalanceCandidates().isEmpty)
        // The followers caught up (leaders expanded the ISR in ZooKeeper); the controller re-read it.
        for p in [tp("t", 0), tp("t", 1)] {
            var info = try #require(f.store.states[p])
            info.leaderAndISR.isr = [2, 1]
            info.leaderAndISR.zkVersion += 1
            f.store.states[p] = info
            f.context.putPartitionLeadershipInfo(p, info)
        }
        #expect(f.flows.autoRebalanceCandidates() == [1: [tp("t", 0), tp("t", 1)]])
        let results = try f.flows.checkAndTriggerAutoLeaderRebalance()
        #expect(results[tp("t", 0)].map { try? $0.get() } == 1)
        #expect(f.context.preferredReplicaImbalanceCount == 0)
    }
}
