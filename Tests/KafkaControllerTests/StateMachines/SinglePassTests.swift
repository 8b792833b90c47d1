import KafkaController
import KafkaModel
import Testing

/// One cluster run twice — step by step as Kafka writes (a plain store) and in a single pass (the event-scoped
/// store, requests held, chains written ahead) — must end in the same znode contents, context, trace and
/// requests; only znode versions differ (one write per partition instead of one per step).
private struct SinglePassScenario {
    let context: ControllerContext
    let store = InMemoryPartitionStateStore()
    let scoped: EventScopedPartitionStateStore?
    let sender = RecordingRequestSender()
    let sink = InMemoryControllerTraceSink()
    let flows: ControllerFlows

    /// `partitions` partitions of topic "t", replicas g, g+1, g+2 (mod 3) + 1 as the bench assigns them, all in
    /// sync, led by their first replica, loaded into the context with zkVersion 4 and leader epoch 2.
    init(singlePass: Bool, partitions: Int = 12, brokers: [BrokerID] = [1, 2, 3]) {
        context = makeContext(liveBrokers: brokers)
        scoped = singlePass ? EventScopedPartitionStateStore(store) : nil
        flows = ControllerFlows(controllerID: 2, context: context, store: scoped ?? store, sender: sender, traceSink: sink)
        seedRoundRobinTopic(partitions: partitions, context: context, store: store)
    }

    /// Runs `body` as the shell's coalescing scope does.
    func event(_ body: () throws -> Void) throws {
        try runAsShellEvent(scoped: scoped, context: context, body)
    }

    /// Kafka's `onControllerFailover` state machine part, as the shell runs it.
    func failover() throws {
        try event {
            try flows.writeAhead { SinglePassPlan.controllerFailover(context: context) }
            _ = try flows.replicaStateMachine.startup()
            _ = try flows.partitionStateMachine.startup()
        }
    }

    struct Outcome: Equatable {
        var znodes: [String]
        var context: [String]
        var transitions: [String]
        var requests: [String]
    }

    /// Everything observable, zkVersions left out.
    var outcome: Outcome {
        func describe(_ state: LeaderISRAndControllerEpoch?) -> String {
            guard let state else { return "none" }
            let l = state.leaderAndISR
            return "leader \(l.leader) epoch \(l.leaderEpoch) isr \(l.isr) by \(state.controllerEpoch)"
        }
        let partitions = context.allPartitions
        return Outcome(
            znodes: partitions.map { "\($0): \(describe(store.states[$0]))" },
            context: partitions.map { p in
                "\(p): \(describe(context.partitionLeadershipInfo[p])) \(context.partitionState(p)) "
                    + context.partitionReplicaAssignment(p).map { "\($0)=\(context.replicaState(replica(p, $0)))" }.joined(separator: ",")
            },
            transitions: sink.transitions.map {
                "\($0.kind) \($0.topicPartition) \($0.replica ?? -1) \($0.from)→\($0.to) \($0.outcome) leader \($0.leader ?? -9) epoch \($0.leaderEpoch ?? -9) isr \($0.isr ?? [])"
            },
            requests: ControllerBrokerRequest.coalesced(sender.sent).map { request in
                switch request {
                case .leaderAndISR(let r):
                    "LeaderAndIsr→\(r.brokerID) " + r.partitionStates.map { "\($0.topicPartition):\($0.leader)/\($0.leaderEpoch)/\($0.isr)/new=\($0.isNew)" }.joined(separator: " ")
                case .updateMetadata(let r):
                    "UpdateMetadata→\(r.brokerID) " + r.partitionStates.map { "\($0.topicPartition):\($0.leader)/\($0.leaderEpoch)/\($0.isr)/offline=\($0.offlineReplicas)" }.joined(separator: " ")
                case .stopReplica(let r):
                    "StopReplica→\(r.brokerID) " + r.partitionStates.map { "\($0.topicPartition):\($0.leaderEpoch)" }.joined(separator: " ")
                }
            })
    }

    /// Partition writes that reached the store (one per partition per call).
    var writes: Int { store.updateCalls.reduce(0) { $0 + $1.count } }
    var reads: Int { store.readCalls.reduce(0) { $0 + $1.count } }
}

@Suite(.tags(.unit)) struct SinglePassTests {
    @Test func failover_oneBrokerDead_sameOutcome_oneWritePerPartition() throws {
        let kafka = SinglePassScenario(singlePass: false)
        let single = SinglePassScenario(singlePass: true)
        for scenario in [kafka, single] {
            scenario.context.removeLiveBrokers([1])
            try scenario.failover()
        }
        #expect(single.outcome == kafka.outcome)
        // Every partition has a replica on broker 1: 12 ISR shrinks, and the 4 it led are elected after.
        #expect(kafka.writes == 16)
        #expect(single.writes == 12)
        #expect(single.scoped?.statistics.plannedWritesAnswered == 16)
        #expect(single.scoped?.statistics.chainsRestored == 0)
        // The 4 partitions broker 1 led: the leader epoch went up twice (shrink, election) in one write.
        let led = tp("t", 0)
        #expect(single.store.states[led]?.leaderAndISR.leaderEpoch == 4)
        #expect(single.store.states[led]?.leaderAndISR.zkVersion == 5)
        #expect(single.context.partitionLeadershipInfo[led]?.leaderAndISR.zkVersion == 5)
        #expect(kafka.store.states[led]?.leaderAndISR.zkVersion == 6)
    }

    @Test func failover_twoBrokersDead_chainsOfThreeSteps() throws {
        let kafka = SinglePassScenario(singlePass: false)
        let single = SinglePassScenario(singlePass: true)
        for scenario in [kafka, single] {
            scenario.context.removeLiveBrokers([1, 3])
            try scenario.failover()
        }
        #expect(single.outcome == kafka.outcome)
        #expect(single.writes == 12)
        #expect(kafka.writes > 12)
        #expect(single.scoped?.statistics.chainsRestored == 0)
    }

    @Test func brokerFailure_sameOutcome_electedPartitionsRereadOnceTheirRequestsWentOut() throws {
        let kafka = SinglePassScenario(singlePass: false)
        let single = SinglePassScenario(singlePass: true)
        for scenario in [kafka, single] {
            scenario.context.removeLiveBrokers([1])
            try scenario.event { try scenario.flows.onBrokerFailure([1]) }
        }
        #expect(single.outcome == kafka.outcome)
        #expect(single.writes == 12)
        #expect(kafka.writes == 12)
        // The elections' requests go out when their pass ends (a new leader may then write its znode), so both
        // read the 4 elected partitions again before the ISR shrink finds broker 1 already out, as Kafka does.
        #expect(kafka.reads == 4)
        #expect(single.reads == 4)
        // Elections, then the ISR shrinks planned after them.
        #expect(single.store.updateCalls.map(\.count) == [4, 8])
    }

    @Test func failover_leaderShrankAnISRMeanwhile_badVersionPartitionRereadAndRetried() throws {
        let kafka = SinglePassScenario(singlePass: false)
        let single = SinglePassScenario(singlePass: true)
        for scenario in [kafka, single] {
            scenario.context.removeLiveBrokers([1])
            // A leader wrote partition 1's znode since the context was loaded (same content, new version).
            scenario.store.concurrentWritesBeforeNextUpdate[tp("t", 1)] = 1
            try scenario.failover()
        }
        #expect(single.outcome == kafka.outcome)
        #expect(single.scoped?.statistics.writtenAhead == 11)
        #expect(single.store.readCalls == [[tp("t", 1)]])
    }

    @Test func failover_newerControllerWrote_bothAbortTheSameWay() throws {
        let kafka = SinglePassScenario(singlePass: false)
        let single = SinglePassScenario(singlePass: true)
        for scenario in [kafka, single] {
            scenario.context.removeLiveBrokers([1])
            scenario.store.seed(tp("t", 0), leader: 3, isr: [3], leaderEpoch: 9, zkVersion: 8, controllerEpoch: 7)
            try scenario.failover()
        }
        #expect(single.outcome == kafka.outcome)
    }

    @Test func wrongPlan_chainPutBackToWhatTheStateMachinesWrote() throws {
        let single = SinglePassScenario(singlePass: true)
        let partition = tp("t", 0)  // replicas 1, 2, 3, led by 1
        let scoped = try #require(single.scoped)
        scoped.beginHoldingRequests()
        let loaded = single.store.states[partition]!.leaderAndISR
        // A plan predicting two steps; the state machine will make only the first.
        let shrink = loaded.removingReplica(3)
        _ = try scoped.writeAhead(
            [partition: SinglePassPlan.Chain(loaded: loaded, steps: [shrink, shrink.removingReplica(2)])],
            controllerEpoch: 1, expectedControllerEpochZKVersion: 1)
        #expect(single.store.states[partition]?.leaderAndISR.isr == [1])
        let answered = try scoped.updateLeaderAndISR([partition: shrink], controllerEpoch: 1, expectedControllerEpochZKVersion: 1)
        #expect(answered[partition].map { (try? $0.get())?.zkVersion } == 5)
        let restored = try scoped.endHoldingRequests(expectedControllerEpochZKVersion: 1)
        #expect(restored[partition]?.leaderAndISR.isr == [1, 2])
        #expect(single.store.states[partition]?.leaderAndISR.isr == [1, 2])
        #expect(single.store.states[partition]?.leaderAndISR.leaderEpoch == shrink.leaderEpoch)
        #expect(scoped.statistics.chainsRestored == 1)
    }

    @Test func unplannedWrite_goesToTheStoreAsMade() throws {
        let single = SinglePassScenario(singlePass: true)
        let partition = tp("t", 0)
        let scoped = try #require(single.scoped)
        scoped.beginHoldingRequests()
        let loaded = single.store.states[partition]!.leaderAndISR
        _ = try scoped.writeAhead(
            [partition: SinglePassPlan.Chain(loaded: loaded, steps: [loaded.removingReplica(3)])],
            controllerEpoch: 1, expectedControllerEpochZKVersion: 1)
        // The state machine removes 2 instead, with the loaded version: ZooKeeper refuses (the znode moved on).
        let answer = try scoped.updateLeaderAndISR(
            [partition: loaded.removingReplica(2)], controllerEpoch: 1, expectedControllerEpochZKVersion: 1)
        #expect(answer[partition].map { if case .failure(.badVersion) = $0 { true } else { false } } == true)
        // Its re-read sees what ZooKeeper holds, from this scope's writes.
        let reread = try scoped.partitionStates([partition])
        #expect(reread[partition].map { (try? $0.get())??.leaderAndISR.isr } == [1, 2])
        #expect(single.store.readCalls.isEmpty)
        #expect(try scoped.endHoldingRequests(expectedControllerEpochZKVersion: 1).isEmpty)
        #expect(scoped.statistics.plannedWritesMissed == 1)
    }

    @Test func outsideAScope_everythingPassesThrough() throws {
        let single = SinglePassScenario(singlePass: true)
        single.context.removeLiveBrokers([1])
        try single.flows.onBrokerFailure([1])
        #expect(single.scoped?.statistics == EventScopedPartitionStateStore.Statistics())
        #expect(single.reads == 4)
    }
}
