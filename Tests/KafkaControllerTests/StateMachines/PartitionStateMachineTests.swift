import KafkaController
import KafkaModel
import Testing

/// A partition state machine over brokers 1, 2, 3 with partition t-0 assigned [1, 2, 3].
struct PartitionFixture {
    let context = makeContext(liveBrokers: [1, 2, 3])
    let store = InMemoryPartitionStateStore()
    let sink = InMemoryControllerTraceSink()
    let machine: PartitionStateMachine
    let partition = tp("t", 0)

    init(assignment: [BrokerID] = [1, 2, 3]) {
        machine = PartitionStateMachine(controllerID: 1, context: context, store: store, traceSink: sink)
        context.updatePartitionFullReplicaAssignment(partition, ReplicaAssignment(replicas: assignment))
    }

    /// Gives the partition a leader/ISR in both ZooKeeper and the context.
    func seedLeadership(leader: BrokerID, isr: [BrokerID], leaderEpoch: Int32 = 3, zkVersion: Int32 = 5, controllerEpoch: Int32 = 1) {
        store.seed(partition, leader: leader, isr: isr, leaderEpoch: leaderEpoch, zkVersion: zkVersion, controllerEpoch: controllerEpoch)
        context.putPartitionLeadershipInfo(partition, store.states[partition]!)
    }
}

@Suite(.tags(.unit)) struct PartitionStateMachineTests {
    static let allPairs: [(PartitionState, PartitionState)] = PartitionState.allCases.flatMap { from in
        PartitionState.allCases.map { (from, $0) }
    }

    @Test func validPreviousStates_matchKafka() {
        #expect(PartitionState.new.validPreviousStates == [.nonExistent])
        #expect(PartitionState.online.validPreviousStates == [.new, .online, .offline])
        #expect(PartitionState.offline.validPreviousStates == [.new, .online, .offline])
        #expect(PartitionState.nonExistent.validPreviousStates == [.offline])
        #expect(PartitionState.allCases.map(\.rawValue) == [0, 1, 2, 3])
    }

    @Test(arguments: allPairs)
    func handleStateChanges_everyPair_appliesValidAndRefusesInvalid(from: PartitionState, to: PartitionState) throws {
        let fixture = PartitionFixture()
        if from != .nonExistent { fixture.context.putPartitionState(fixture.partition, from) }
        if from == .online || from == .offline { fixture.seedLeadership(leader: 1, isr: [1, 2, 3]) }

        let result = try fixture.machine.handleStateChanges(
            [fixture.partition], to: to, strategy: .offline(allowUnclean: false), cause: "test")

        let valid = to.validPreviousStates.contains(from)
        let last = try #require(fixture.sink.transitions.last)
        #expect(last.from == from.description)
        #expect(last.to == to.description)
        if valid {
            #expect(fixture.context.partitionState(fixture.partition) == to)
            #expect(last.outcome == .applied)
        } else {
            #expect(fixture.context.partitionState(fixture.partition) == from)
            #expect(last.outcome == .refused)
            #expect(result.requests.isEmpty)
            #expect(fixture.store.createCalls.isEmpty && fixture.store.updateCalls.isEmpty)
        }
    }

    @Test func newToOnline_initializesLeaderAndISR_andSendsLeaderAndISRIsNewToISR() throws {
        let fixture = PartitionFixture()
        fixture.context.removeLiveBrokers([1])
        fixture.context.putPartitionState(fixture.partition, .new)

        let result = try fixture.machine.handleStateChanges([fixture.partition], to: .online, cause: "TopicChange")

        let expected = LeaderAndISR(leader: 2, leaderEpoch: 0, isr: [2, 3], zkVersion: 0)
        #expect(result.results[fixture.partition] == .success(expected))
        #expect(fixture.store.states[fixture.partition]?.leaderAndISR == expected)
        #expect(fixture.store.states[fixture.partition]?.controllerEpoch == 1)
        #expect(fixture.context.partitionLeadershipInfo[fixture.partition]?.leaderAndISR == expected)
        let leaderAndISR = result.requests.compactMap(\.leaderAndISR)
        #expect(leaderAndISR.map(\.brokerID) == [2, 3])
        #expect(leaderAndISR.allSatisfy { $0.partitionStates.first?.isNew == true })
        #expect(leaderAndISR.first?.partitionStates.first?.replicas == [1, 2, 3])
        #expect(leaderAndISR.first?.liveLeaders.map(\.id) == [2])
        #expect(result.requests.compactMap(\.updateMetadata).map(\.brokerID) == [2, 3])
        // Order: LeaderAndIsr before UpdateMetadata.
        #expect(result.requests.map(\.apiName) == ["LeaderAndIsr", "LeaderAndIsr", "UpdateMetadata", "UpdateMetadata"])
    }

    @Test func newToOnline_noLiveReplica_failsAndStaysNew() throws {
        let fixture = PartitionFixture()
        fixture.context.removeLiveBrokers([1, 2, 3])
        fixture.context.putPartitionState(fixture.partition, .new)
        let result = try fixture.machine.handleStateChanges([fixture.partition], to: .online, cause: "test")
        #expect(fixture.context.partitionState(fixture.partition) == .new)
        #expect(result.results[fixture.partition].map { if case .failure = $0 { true } else { false } } == true)
        #expect(fixture.store.createCalls.isEmpty)
        #expect(fixture.sink.transitions.last?.outcome == .failed)
    }

    @Test func newToOnline_stateZnodeExists_failsAndStaysNew() throws {
        let fixture = PartitionFixture()
        fixture.store.seed(fixture.partition, leader: 1, isr: [1])
        fixture.context.putPartitionState(fixture.partition, .new)
        _ = try fixture.machine.handleStateChanges([fixture.partition], to: .online, cause: "test")
        #expect(fixture.context.partitionState(fixture.partition) == .new)
    }

    @Test func offlineToOnline_electsFirstLiveISRMember_bumpsEpoch_CASWithReadVersion() throws {
        let fixture = PartitionFixture()
        fixture.seedLeadership(leader: 1, isr: [1, 2, 3], leaderEpoch: 3, zkVersion: 5)
        fixture.context.removeLiveBrokers([1])
        fixture.context.putPartitionState(fixture.partition, .offline)

        let result = try fixture.machine.handleStateChanges(
            [fixture.partition], to: .online, strategy: .offline(allowUnclean: false), cause: "BrokerChange")

        let written = LeaderAndISR(leader: 2, leaderEpoch: 4, isr: [2, 3], zkVersion: 6)
        #expect(result.results[fixture.partition] == .success(written))
        #expect(fixture.store.updateCalls.first?[fixture.partition]?.zkVersion == 5)
        #expect(fixture.context.partitionLeadershipInfo[fixture.partition]?.leaderAndISR == written)
        #expect(fixture.context.partitionState(fixture.partition) == .online)
        // Recipients: live replicas of the assignment.
        #expect(result.requests.compactMap(\.leaderAndISR).map(\.brokerID) == [2, 3])
        #expect(result.requests.compactMap(\.leaderAndISR).first?.partitionStates.first?.isNew == false)
        let transition = try #require(fixture.sink.transitions.last)
        #expect(transition.leader == 2 && transition.isr == [2, 3] && transition.leaderEpoch == 4)
        #expect(transition.cause == "BrokerChange")
    }

    @Test func offlineToOnline_badVersion_rereadsAndRetries() throws {
        let fixture = PartitionFixture()
        fixture.seedLeadership(leader: 1, isr: [1, 2, 3])
        fixture.context.removeLiveBrokers([1])
        fixture.context.putPartitionState(fixture.partition, .offline)
        fixture.store.concurrentWritesBeforeNextUpdate[fixture.partition] = 2

        let result = try fixture.machine.handleStateChanges(
            [fixture.partition], to: .online, strategy: .offline(allowUnclean: false), cause: "test")

        // The first round starts from the context's state; each BADVERSION retry reads ZooKeeper.
        #expect(fixture.store.readCalls.count == 2)
        #expect(fixture.store.updateCalls.count == 3)
        #expect(result.results[fixture.partition].map { (try? $0.get())?.leader } == 2)
        #expect(fixture.context.partitionState(fixture.partition) == .online)
    }

    @Test func offlineToOnline_noLiveISR_uncleanDisabled_failsAndStaysOffline() throws {
        let fixture = PartitionFixture()
        fixture.seedLeadership(leader: 1, isr: [1])
        fixture.context.removeLiveBrokers([1])
        fixture.context.putPartitionState(fixture.partition, .offline)
        let result = try fixture.machine.handleStateChanges(
            [fixture.partition], to: .online, strategy: .offline(allowUnclean: false), cause: "test")
        #expect(fixture.context.partitionState(fixture.partition) == .offline)
        #expect(result.results[fixture.partition].map { if case .failure = $0 { true } else { false } } == true)
        #expect(fixture.store.updateCalls.isEmpty)
        #expect(fixture.context.offlinePartitionCount == 1)
    }

    @Test func offlineToOnline_noLiveISR_topicAllowsUnclean_electsLiveNonISRWithISRLeaderOnly() throws {
        let fixture = PartitionFixture()
        fixture.store.uncleanLeaderElection["t"] = true
        fixture.seedLeadership(leader: 1, isr: [1])
        fixture.context.removeLiveBrokers([1])
        fixture.context.putPartitionState(fixture.partition, .offline)
        let result = try fixture.machine.handleStateChanges(
            [fixture.partition], to: .online, strategy: .offline(allowUnclean: false), cause: "test")
        #expect(result.results[fixture.partition].map { (try? $0.get())?.isr } == [2])
        #expect(result.uncleanLeaderElections == [fixture.partition])
        #expect(fixture.sink.transitions.last?.reason == "unclean leader election")
    }

    @Test func offlineToOnline_topicConfigUnreadable_noElection() throws {
        let fixture = PartitionFixture()
        fixture.store.defaultUncleanLeaderElection = nil
        fixture.seedLeadership(leader: 1, isr: [1])
        fixture.context.removeLiveBrokers([1])
        fixture.context.putPartitionState(fixture.partition, .offline)
        _ = try fixture.machine.handleStateChanges(
            [fixture.partition], to: .online, strategy: .offline(allowUnclean: true), cause: "test")
        // allowUnclean overrides the config: elected.
        #expect(fixture.context.partitionState(fixture.partition) == .online)

        let other = PartitionFixture()
        other.store.defaultUncleanLeaderElection = nil
        other.seedLeadership(leader: 1, isr: [1])
        other.context.removeLiveBrokers([1])
        other.context.putPartitionState(other.partition, .offline)
        _ = try other.machine.handleStateChanges(
            [other.partition], to: .online, strategy: .offline(allowUnclean: false), cause: "test")
        #expect(other.context.partitionState(other.partition) == .offline)
    }

    @Test func election_stateWrittenByNewerController_isAborted() throws {
        let fixture = PartitionFixture()
        fixture.seedLeadership(leader: 1, isr: [1, 2, 3], controllerEpoch: 2)
        fixture.context.removeLiveBrokers([1])
        fixture.context.putPartitionState(fixture.partition, .offline)
        let result = try fixture.machine.handleStateChanges(
            [fixture.partition], to: .online, strategy: .offline(allowUnclean: false), cause: "test")
        #expect(fixture.store.updateCalls.isEmpty)
        #expect(fixture.context.partitionState(fixture.partition) == .offline)
        if case .failure(let error) = try #require(result.results[fixture.partition]) {
            #expect(error.message.contains("already written by another controller"))
        } else {
            Issue.record("expected failure")
        }
    }

    @Test func election_missingStateZnode_fails() throws {
        let fixture = PartitionFixture()
        fixture.context.putPartitionState(fixture.partition, .offline)
        let result = try fixture.machine.handleStateChanges(
            [fixture.partition], to: .online, strategy: .offline(allowUnclean: false), cause: "test")
        if case .failure(let error) = try #require(result.results[fixture.partition]) {
            #expect(error.message.contains("LeaderAndIsr information doesn't exist"))
        } else {
            Issue.record("expected failure")
        }
    }

    @Test func onlineToOnline_withoutStrategy_fails() throws {
        let fixture = PartitionFixture()
        fixture.seedLeadership(leader: 1, isr: [1, 2, 3])
        fixture.context.putPartitionState(fixture.partition, .online)
        let result = try fixture.machine.handleStateChanges([fixture.partition], to: .online, cause: "test")
        #expect(result.results[fixture.partition].map { if case .failure = $0 { true } else { false } } == true)
    }

    @Test func controlledShutdownStrategy_movesLeaderAndDropsShuttingDownFromISR() throws {
        let fixture = PartitionFixture()
        fixture.seedLeadership(leader: 1, isr: [1, 2, 3])
        fixture.context.putPartitionState(fixture.partition, .online)
        fixture.context.shuttingDownBrokerIDs = [1]
        let result = try fixture.machine.handleStateChanges(
            [fixture.partition], to: .online, strategy: .controlledShutdown, cause: "ControlledShutdown")
        #expect(result.results[fixture.partition].map { (try? $0.get()).map { [$0.leader] + $0.isr } } == [2, 2, 3])
        // Shutting-down brokers still get requests.
        #expect(result.requests.compactMap(\.leaderAndISR).map(\.brokerID) == [1, 2, 3])
    }

    @Test func fencedWriteFailure_controllerMovedPropagates() throws {
        let fixture = PartitionFixture()
        fixture.context.putPartitionState(fixture.partition, .new)
        fixture.store.thrownOnWrite = ControllerError(.controllerMoved, "fenced")
        #expect(throws: ControllerError(.controllerMoved, "fenced")) {
            try fixture.machine.handleStateChanges([fixture.partition], to: .online, cause: "test")
        }
        // The batch was discarded: the next operation works.
        fixture.store.thrownOnWrite = nil
        let result = try fixture.machine.handleStateChanges([fixture.partition], to: .online, cause: "test")
        #expect(fixture.context.partitionState(fixture.partition) == .online)
        #expect(!result.requests.isEmpty)
    }

    @Test func startup_classifiesAndElects() throws {
        let fixture = PartitionFixture()
        let p1 = tp("t", 1)
        let p2 = tp("u", 0)
        fixture.context.updatePartitionFullReplicaAssignment(p1, ReplicaAssignment(replicas: [3, 1]))
        fixture.context.updatePartitionFullReplicaAssignment(p2, ReplicaAssignment(replicas: [2]))
        fixture.seedLeadership(leader: 1, isr: [1, 2, 3])
        fixture.store.seed(p1, leader: 4, isr: [4, 3, 1])
        fixture.context.putPartitionLeadershipInfo(p1, fixture.store.states[p1]!)
        fixture.context.topicsToBeDeleted = []
        _ = try fixture.machine.startup()
        #expect(fixture.context.partitionState(fixture.partition) == .online)
        #expect(fixture.context.partitionState(p1) == .online)
        #expect(fixture.context.partitionLeadershipInfo[p1]?.leaderAndISR.leader == 3)
        #expect(fixture.context.partitionLeadershipInfo[p1]?.leaderAndISR.isr == [3, 1])
        #expect(fixture.context.partitionState(p2) == .online)
        #expect(fixture.context.partitionLeadershipInfo[p2]?.leaderAndISR.leader == 2)
    }
}
