import KafkaController
import KafkaModel
import Testing

/// Kafka 2.8's `KafkaController.processAlterIsr`: the pure decision and the flow over the in-memory store.
@Suite(.tags(.unit)) struct AlterIsrTests {
    struct Fixture {
        let context = makeContext(liveBrokers: [1, 2, 3])
        let store = InMemoryPartitionStateStore()
        let sender = RecordingRequestSender()
        let sink = InMemoryControllerTraceSink()
        let flows: ControllerFlows

        /// Three partitions of "t" led by 1, 2, 3, ISR of three, leader epoch 2, zkVersion 4.
        init() {
            seedRoundRobinTopic(partitions: 3, context: context, store: store)
            flows = ControllerFlows(controllerID: 1, context: context, store: store, sender: sender, traceSink: sink)
        }

        /// Broker 1's registration epoch in `makeContext`.
        var epochOf1: Int64 { context.brokerEpoch(of: 1)! }
    }

    static func change(leader: BrokerID, leaderEpoch: Int32 = 2, isr: [BrokerID], zkVersion: Int32 = 4) -> LeaderAndISR {
        LeaderAndISR(leader: leader, leaderEpoch: leaderEpoch, isr: isr, zkVersion: zkVersion)
    }

    // MARK: - Decision

    @Test func unknownOrStaleBrokerEpoch_refusesTheWholeRequest() {
        let f = Fixture()
        let changes = [tp("t", 0): Self.change(leader: 1, isr: [1, 2])]
        let unknown = AlterIsrDecision.decide(brokerID: 9, brokerEpoch: 1, changes: changes, context: f.context)
        #expect(throws: ControllerError.self) { try unknown.get() }
        #expect((try? unknown.get()) == nil)
        if case .failure(let error) = unknown { #expect(error.code == .staleBrokerEpoch) }
        let stale = AlterIsrDecision.decide(brokerID: 1, brokerEpoch: f.epochOf1 - 1, changes: changes, context: f.context)
        if case .failure(let error) = stale { #expect(error.code == .staleBrokerEpoch) } else { Issue.record("accepted a stale broker epoch") }
    }

    @Test func perPartition_unknownFencedUnchangedOrWritten() throws {
        let f = Fixture()
        let decision = try AlterIsrDecision.decide(
            brokerID: 1, brokerEpoch: f.epochOf1,
            changes: [
                tp("u", 0): Self.change(leader: 1, isr: [1]),  // unknown partition
                tp("t", 0): Self.change(leader: 1, leaderEpoch: 1, isr: [1, 2]),  // older leader epoch
                tp("t", 1): Self.change(leader: 2, isr: [2, 3, 1], zkVersion: 3),  // what the controller holds
                tp("t", 2): Self.change(leader: 3, leaderEpoch: 2, isr: [3, 1], zkVersion: 4),  // a shrink to write
            ],
            context: f.context
        ).get()
        #expect(decision.answers[tp("u", 0)].map(Self.code) == .unknownTopicOrPartition)
        #expect(decision.answers[tp("t", 0)].map(Self.code) == .fencedLeaderEpoch)
        // Equal but for the zkVersion: answered with the controller's state (its zkVersion), nothing written.
        #expect(try decision.answers[tp("t", 1)]?.get() == Self.change(leader: 2, isr: [2, 3, 1]))
        #expect(decision.writes == [tp("t", 2): Self.change(leader: 3, isr: [3, 1])])
    }

    /// Kafka 2.8 checks neither leadership nor the replicas of the new ISR: a newer leader epoch (the controller
    /// has not heard of it) and a zkVersion mismatch go to ZooKeeper, whose compare-and-set decides.
    @Test func newerLeaderEpochAndStaleZkVersion_areLeftToTheCompareAndSet() throws {
        let f = Fixture()
        let decision = try AlterIsrDecision.decide(
            brokerID: 1, brokerEpoch: f.epochOf1,
            changes: [tp("t", 0): Self.change(leader: 1, leaderEpoch: 3, isr: [1], zkVersion: 2)], context: f.context
        ).get()
        #expect(decision.answers.isEmpty)
        #expect(decision.writes.count == 1)
    }

    static func code(_ result: Result<LeaderAndISR, ControllerError>) -> ControllerError.Code? {
        if case .failure(let error) = result { error.code } else { nil }
    }

    // MARK: - Flow

    @Test func accepted_isWrittenOnce_putIntoTheContext_tracedAndSentAsUpdateMetadata() throws {
        let f = Fixture()
        let outcome = try f.flows.alterIsr(
            brokerID: 1, brokerEpoch: f.epochOf1,
            changes: [tp("t", 0): Self.change(leader: 1, isr: [1, 2]), tp("t", 1): Self.change(leader: 1, isr: [1])]
        ).get()
        // t-0: written with CAS 4 → 5. t-1 (led by 2, zkVersion 4) asked by 1: written too — Kafka 2.8 lets the
        // compare-and-set decide, and it matches.
        #expect(try outcome.results[tp("t", 0)]?.get() == Self.change(leader: 1, isr: [1, 2], zkVersion: 5))
        #expect(f.store.updateCalls.count == 1)
        #expect(f.store.updateCalls.first?.count == 2)
        #expect(f.store.states[tp("t", 0)]?.leaderAndISR.isr == [1, 2])
        #expect(f.context.partitionLeadershipInfo[tp("t", 0)]?.leaderAndISR == Self.change(leader: 1, isr: [1, 2], zkVersion: 5))
        #expect(outcome.written == [tp("t", 0), tp("t", 1)])
        let isrRecords = f.sink.transitions.filter { $0.kind == .isr }
        #expect(isrRecords.count == 2)
        #expect(isrRecords.allSatisfy { $0.outcome == .applied && $0.cause == "AlterIsrReceived" && $0.from == "OnlinePartition" })
        // UpdateMetadata with both partitions to every live broker.
        let updates = f.sender.sent.compactMap(\.updateMetadata)
        #expect(Set(updates.map(\.brokerID)) == [1, 2, 3])
        #expect(updates.allSatisfy { Set($0.partitionStates.map(\.topicPartition)) == [tp("t", 0), tp("t", 1)] })
    }

    @Test func staleZkVersion_isInvalidUpdateVersion_andLeavesTheContext() throws {
        let f = Fixture()
        let before = f.context.partitionLeadershipInfo[tp("t", 0)]
        let outcome = try f.flows.alterIsr(
            brokerID: 1, brokerEpoch: f.epochOf1, changes: [tp("t", 0): Self.change(leader: 1, isr: [1, 3], zkVersion: 3)]
        ).get()
        #expect(outcome.results[tp("t", 0)].map(Self.code) == .invalidUpdateVersion)
        #expect(outcome.written.isEmpty)
        #expect(f.context.partitionLeadershipInfo[tp("t", 0)] == before)
        #expect(f.sink.transitions.filter { $0.kind == .isr }.map(\.outcome) == [.failed])
    }

    @Test func nothingToWrite_meansNoStoreCall() throws {
        let f = Fixture()
        let outcome = try f.flows.alterIsr(
            brokerID: 1, brokerEpoch: f.epochOf1, changes: [tp("t", 0): Self.change(leader: 1, leaderEpoch: 0, isr: [1])]
        ).get()
        #expect(outcome.results[tp("t", 0)].map(Self.code) == .fencedLeaderEpoch)
        #expect(f.store.updateCalls.isEmpty)
    }

    @Test func controllerMoved_propagates() {
        let f = Fixture()
        f.store.thrownOnWrite = ControllerError(.controllerMoved, "fenced")
        #expect(throws: ControllerError.self) {
            try f.flows.alterIsr(brokerID: 1, brokerEpoch: f.epochOf1, changes: [tp("t", 0): Self.change(leader: 1, isr: [1])])
        }
    }

    @Test func event_isAnIsrChange_andPreemptionAnswersNotController() {
        let answered = Answered()
        let event = ControllerEvent.alterIsrReceived(brokerID: 1, brokerEpoch: 1, changes: [:]) { answered.set($0) }
        #expect(event.state == .isrChange)
        #expect(event.name == "AlterIsrReceived")
        #expect(event.hasReply)
        event.preemptReply()
        #expect(answered.code == .notController)
    }

    final class Answered: @unchecked Sendable {
        private(set) var code: ControllerError.Code?
        func set(_ result: Result<[TopicPartition: Result<LeaderAndISR, ControllerError>], ControllerError>) {
            if case .failure(let error) = result { code = error.code }
        }
    }
}
