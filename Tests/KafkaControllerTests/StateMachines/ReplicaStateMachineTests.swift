import KafkaController
import KafkaModel
import Testing

/// A replica state machine over brokers 1, 2, 3; partition t-0 assigned [1, 2, 3], led by 1, ISR [1, 2, 3].
struct ReplicaFixture {
    let context = makeContext(liveBrokers: [1, 2, 3])
    let store = InMemoryPartitionStateStore()
    let sink = InMemoryControllerTraceSink()
    let machine: ReplicaStateMachine
    let partition = tp("t", 0)

    init(leader: BrokerID = 1, isr: [BrokerID] = [1, 2, 3], withLeadership: Bool = true) {
        machine = ReplicaStateMachine(controllerID: 1, context: context, store: store, traceSink: sink)
        context.updatePartitionFullReplicaAssignment(partition, ReplicaAssignment(replicas: [1, 2, 3]))
        if withLeadership {
            store.seed(partition, leader: leader, isr: isr, leaderEpoch: 3, zkVersion: 5)
            context.putPartitionLeadershipInfo(partition, store.states[partition]!)
        }
    }
}

@Suite(.tags(.unit)) struct ReplicaStateMachineTests {
    static let allPairs: [(ReplicaState, ReplicaState)] = ReplicaState.allCases.flatMap { from in
        ReplicaState.allCases.map { (from, $0) }
    }

    @Test func validPreviousStates_matchKafka() {
        #expect(ReplicaState.new.validPreviousStates == [.nonExistent])
        #expect(ReplicaState.online.validPreviousStates == [.new, .online, .offline, .deletionIneligible])
        #expect(ReplicaState.offline.validPreviousStates == [.new, .online, .offline, .deletionIneligible])
        #expect(ReplicaState.deletionStarted.validPreviousStates == [.offline])
        #expect(ReplicaState.deletionSuccessful.validPreviousStates == [.deletionStarted])
        #expect(ReplicaState.deletionIneligible.validPreviousStates == [.offline, .deletionStarted])
        #expect(ReplicaState.nonExistent.validPreviousStates == [.deletionSuccessful])
        #expect(ReplicaState.allCases.map(\.rawValue) == [1, 2, 3, 4, 5, 6, 7])
    }

    @Test(arguments: allPairs)
    func handleStateChanges_everyPair_appliesValidAndRefusesInvalid(from: ReplicaState, to: ReplicaState) throws {
        let fixture = ReplicaFixture()
        let target = replica(fixture.partition, 2)
        if from != .nonExistent { fixture.context.putReplicaState(target, from) }

        let result = try fixture.machine.handleStateChanges([target], to: to, cause: "test")

        let valid = to.validPreviousStates.contains(from)
        let last = try #require(fixture.sink.transitions.last)
        #expect(last.from == from.description)
        #expect(last.to == to.description)
        #expect(last.replica == 2)
        if valid {
            #expect(fixture.context.replicaState(target) == to)
            #expect(last.outcome == .applied)
            #expect(result.failures.isEmpty)
        } else {
            #expect(fixture.context.replicaState(target) == from)
            #expect(last.outcome == .refused)
            #expect(result.requests.isEmpty)
            #expect(fixture.store.updateCalls.isEmpty)
        }
    }

    @Test func toNew_withLeadership_sendsLeaderAndISRIsNew() throws {
        let fixture = ReplicaFixture()
        let result = try fixture.machine.handleStateChanges([replica(fixture.partition, 2)], to: .new, cause: "test")
        let request = try #require(result.requests.compactMap(\.leaderAndISR).first)
        #expect(request.brokerID == 2)
        #expect(request.partitionStates.first?.isNew == true)
        #expect(request.partitionStates.first?.leaderEpoch == 3)
        #expect(result.requests.compactMap(\.updateMetadata).map(\.brokerID) == [1, 2, 3])
    }

    @Test func toNew_replicaIsLeader_fails() throws {
        let fixture = ReplicaFixture()
        let leader = replica(fixture.partition, 1)
        let result = try fixture.machine.handleStateChanges([leader], to: .new, cause: "test")
        #expect(result.failures[leader] != nil)
        #expect(fixture.context.replicaState(leader) == .nonExistent)
    }

    @Test func toNew_withoutLeadership_noRequests() throws {
        let fixture = ReplicaFixture(withLeadership: false)
        let result = try fixture.machine.handleStateChanges([replica(fixture.partition, 1)], to: .new, cause: "test")
        #expect(result.requests.isEmpty)
        #expect(fixture.context.replicaState(replica(fixture.partition, 1)) == .new)
    }

    @Test func newToOnline_replicaNotInAssignment_isAppended() throws {
        let fixture = ReplicaFixture(withLeadership: false)
        let extra = replica(fixture.partition, 4)
        fixture.context.putReplicaState(extra, .new)
        let result = try fixture.machine.handleStateChanges([extra], to: .online, cause: "test")
        #expect(result.requests.isEmpty)
        #expect(fixture.context.partitionReplicaAssignment(fixture.partition) == [1, 2, 3, 4])
    }

    @Test func offlineToOnline_sendsLeaderAndISRWithCurrentState() throws {
        let fixture = ReplicaFixture()
        let target = replica(fixture.partition, 3)
        fixture.context.putReplicaState(target, .offline)
        let result = try fixture.machine.handleStateChanges([target], to: .online, cause: "BrokerChange")
        let request = try #require(result.requests.compactMap(\.leaderAndISR).first)
        #expect(request.brokerID == 3)
        #expect(request.partitionStates.first?.isNew == false)
        #expect(request.header.brokerEpoch == 103)
    }

    @Test func toOffline_follower_shrinksISR_bumpsEpoch_stopsReplica_notifiesOthers() throws {
        let fixture = ReplicaFixture()
        let target = replica(fixture.partition, 2)
        fixture.context.putReplicaState(target, .online)
        let result = try fixture.machine.handleStateChanges([target], to: .offline, cause: "ControlledShutdown")

        let written = LeaderAndISR(leader: 1, leaderEpoch: 4, isr: [1, 3], zkVersion: 6)
        #expect(fixture.store.states[fixture.partition]?.leaderAndISR == written)
        #expect(fixture.context.partitionLeadershipInfo[fixture.partition]?.leaderAndISR == written)
        #expect(result.requests.compactMap(\.leaderAndISR).map(\.brokerID) == [1, 3])
        let stop = try #require(result.requests.compactMap(\.stopReplica).first)
        #expect(stop.brokerID == 2)
        #expect(stop.partitionStates.first?.deletePartition == false)
        #expect(stop.partitionStates.first?.leaderEpoch == 3)  // the epoch cached when the StopReplica was added
        #expect(result.requests.map(\.apiName).last == "StopReplica")
        #expect(fixture.sink.transitions.last?.isr == [1, 3])
    }

    @Test func toOffline_leader_leaderBecomesNoLeader() throws {
        let fixture = ReplicaFixture()
        let target = replica(fixture.partition, 1)
        fixture.context.putReplicaState(target, .online)
        _ = try fixture.machine.handleStateChanges([target], to: .offline, cause: "test")
        #expect(fixture.store.states[fixture.partition]?.leaderAndISR.leader == LeaderAndISR.noLeader)
        #expect(fixture.store.states[fixture.partition]?.leaderAndISR.isr == [2, 3])
    }

    @Test func toOffline_lastISRMember_isKeptInISR() throws {
        let fixture = ReplicaFixture(leader: 2, isr: [2])
        let target = replica(fixture.partition, 2)
        fixture.context.putReplicaState(target, .online)
        _ = try fixture.machine.handleStateChanges([target], to: .offline, cause: "test")
        let state = try #require(fixture.store.states[fixture.partition]?.leaderAndISR)
        #expect(state.leader == -1)
        #expect(state.isr == [2])
        #expect(state.leaderEpoch == 4)
    }

    @Test func toOffline_badVersion_retries() throws {
        let fixture = ReplicaFixture()
        fixture.store.concurrentWritesBeforeNextUpdate[fixture.partition] = 1
        let target = replica(fixture.partition, 3)
        fixture.context.putReplicaState(target, .online)
        _ = try fixture.machine.handleStateChanges([target], to: .offline, cause: "test")
        #expect(fixture.store.updateCalls.count == 2)
        #expect(fixture.store.states[fixture.partition]?.leaderAndISR.isr == [1, 2])
        #expect(fixture.context.replicaState(target) == .offline)
    }

    @Test func toOffline_topicQueuedForDeletion_noLeaderAndISR() throws {
        let fixture = ReplicaFixture()
        fixture.context.topicsToBeDeleted = ["t"]
        let target = replica(fixture.partition, 2)
        fixture.context.putReplicaState(target, .online)
        let result = try fixture.machine.handleStateChanges([target], to: .offline, cause: "TopicDeletion")
        #expect(result.requests.compactMap(\.leaderAndISR).isEmpty)
        #expect(result.requests.compactMap(\.stopReplica).first?.partitionStates.first?.leaderEpoch == -2)
    }

    @Test func toDeletionStarted_sendsStopReplicaWithDelete() throws {
        let fixture = ReplicaFixture()
        fixture.context.topicsToBeDeleted = ["t"]
        let target = replica(fixture.partition, 2)
        fixture.context.putReplicaState(target, .offline)
        let result = try fixture.machine.handleStateChanges([target], to: .deletionStarted, cause: "TopicDeletion")
        let stop = try #require(result.requests.compactMap(\.stopReplica).first)
        #expect(stop.partitionStates == [StopReplicaPartitionState(topicPartition: fixture.partition, leaderEpoch: -2, deletePartition: true)])
    }

    @Test func toNonExistent_removesReplicaFromAssignment() throws {
        let fixture = ReplicaFixture()
        let target = replica(fixture.partition, 2)
        fixture.context.putReplicaState(target, .deletionSuccessful)
        _ = try fixture.machine.handleStateChanges([target], to: .nonExistent, cause: "test")
        #expect(fixture.context.partitionReplicaAssignment(fixture.partition) == [1, 3])
        #expect(fixture.context.replicaStates[target] == nil)
    }

    @Test func startup_onlineAndOfflineReplicas() throws {
        let fixture = ReplicaFixture()
        fixture.context.removeLiveBrokers([3])
        let result = try fixture.machine.startup()
        #expect(fixture.context.replicaState(replica(fixture.partition, 1)) == .online)
        #expect(fixture.context.replicaState(replica(fixture.partition, 3)) == .offline)
        #expect(fixture.store.states[fixture.partition]?.leaderAndISR.isr == [1, 2])
        #expect(!result.requests.isEmpty)
    }
}
