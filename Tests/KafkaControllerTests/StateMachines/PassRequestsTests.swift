import KafkaController
import KafkaModel
import Testing

/// Broker failure and controlled shutdown send each state machine pass's requests when the pass ends, as Kafka's
/// `sendRequestsToBrokers` after every `handleStateChanges`, even while the shell holds the event's requests:
/// the new leaders hear of their election before the ISR shrinks are written. What is written and sent per
/// partition is the same as when every request goes out at once.
@Suite(.tags(.unit)) struct PassRequestsTests {
    /// 12 partitions of "t", replicas g, g+1, g+2 (mod 3) + 1, all in sync, led by their first replica.
    final class Scenario {
        let context = makeContext(liveBrokers: [1, 2, 3])
        let store = InMemoryPartitionStateStore()
        let scoped: EventScopedPartitionStateStore?
        let holding: HoldingRequestSender<Set<TopicPartition>>?
        let recording = RecordingRequestSender()
        let flows: ControllerFlows

        /// - Parameter holdingRequests: the shell's event scope (scoped store, held requests); false: Kafka's plain
        ///   flow, every request out at once.
        init(holdingRequests: Bool) {
            let store = store
            scoped = holdingRequests ? EventScopedPartitionStateStore(store) : nil
            // At each batch let out: the partitions written so far.
            holding = holdingRequests ? HoldingRequestSender { Set(store.updateCalls.flatMap(\.keys)) } : nil
            flows = ControllerFlows(
                controllerID: 2, context: context, store: scoped ?? store, sender: holding ?? recording)
            seedRoundRobinTopic(partitions: 12, context: context, store: store)
        }

        /// Runs `body` as the shell's coalescing scope does.
        func event(_ body: () throws -> Void) throws {
            try runAsShellEvent(scoped: scoped, context: context, body)
        }

        var sent: [ControllerBrokerRequest] { holding?.all ?? recording.sent }

        /// Per broker and API, each partition's latest state: what the brokers end up told.
        var told: [String] {
            ControllerBrokerRequest.coalesced(sent).flatMap { request -> [String] in
                switch request {
                case .leaderAndISR(let r):
                    r.partitionStates.map { "LeaderAndIsr→\(r.brokerID) \($0.topicPartition) \($0.leader)/\($0.leaderEpoch)/\($0.isr)/v\($0.leaderAndISR.zkVersion)" }
                case .updateMetadata(let r):
                    ["UpdateMetadata→\(r.brokerID) live \(r.liveBrokers.map(\.id))"]
                        + r.partitionStates.map { "UpdateMetadata→\(r.brokerID) \($0.topicPartition) \($0.leader)/\($0.leaderEpoch)/\($0.isr)/\($0.offlineReplicas)" }
                case .stopReplica(let r):
                    r.partitionStates.map { "StopReplica→\(r.brokerID) \($0.topicPartition) \($0.deletePartition)" }
                }
            }
        }

        /// The partitions broker `id` led before anything happened.
        func led(by id: BrokerID) -> Set<TopicPartition> {
            Set((0..<12).filter { $0 % 3 + 1 == Int(id) }.map { tp("t", Int32($0)) })
        }
    }

    @Test func brokerFailure_electionRequestsGoOutBeforeTheISRShrinksAreWritten() throws {
        let s = Scenario(holdingRequests: true)
        s.context.removeLiveBrokers([1])
        try s.event { try s.flows.onBrokerFailure([1]) }

        let holding = try #require(s.holding)
        let first = try #require(holding.batches.first)
        // Let out after the election pass: only the 4 partitions broker 1 led were written by then.
        #expect(first.snapshot == s.led(by: 1))
        let elected = Set(first.requests.compactMap(\.leaderAndISR).flatMap(\.partitionStates).map(\.topicPartition))
        #expect(elected == s.led(by: 1))
        #expect(first.requests.compactMap(\.leaderAndISR).allSatisfy { $0.partitionStates.allSatisfy { $0.leader != 1 } })
        // The ISR shrinks of the 8 partitions broker 1 followed were written after, and went out in a later batch.
        #expect(Set(s.store.updateCalls.flatMap(\.keys)).count == 12)
        #expect(holding.batches.count == 2)
        #expect(holding.held.isEmpty)
        let shrunk = Set(holding.batches[1].requests.compactMap(\.leaderAndISR).flatMap(\.partitionStates).map(\.topicPartition))
        #expect(shrunk.isSuperset(of: Set((0..<12).map { tp("t", Int32($0)) }).subtracting(s.led(by: 1))))
        #expect(s.scoped?.statistics.settled == 2)
    }

    @Test func brokerFailure_sameZnodesAndRequestsAsKafkasPlainFlow() throws {
        let kafka = Scenario(holdingRequests: false)
        let perPass = Scenario(holdingRequests: true)
        for s in [kafka, perPass] {
            s.context.removeLiveBrokers([1])
            try s.event { try s.flows.onBrokerFailure([1]) }
        }
        // Same contents and versions: one write per partition in both.
        #expect(perPass.store.states == kafka.store.states)
        #expect(perPass.store.updateCalls.map { Set($0.keys) } == kafka.store.updateCalls.map { Set($0.keys) })
        #expect(perPass.told == kafka.told)
        #expect(!perPass.told.isEmpty)
        // The elected partitions are read again before the ISR shrink, as Kafka does (their requests are out).
        #expect(perPass.store.readCalls.flatMap { $0 }.sorted() == kafka.store.readCalls.flatMap { $0 }.sorted())
    }

    @Test func brokerFailure_twoBrokersDead_sameZnodeContentsAndRequests() throws {
        let kafka = Scenario(holdingRequests: false)
        let perPass = Scenario(holdingRequests: true)
        for s in [kafka, perPass] {
            s.context.removeLiveBrokers([1, 3])
            try s.event { try s.flows.onBrokerFailure([1, 3]) }
        }
        func contents(_ s: Scenario) -> [TopicPartition: [String]] {
            s.store.states.mapValues { ["\($0.leaderAndISR.leader)", "\($0.leaderAndISR.leaderEpoch)", "\($0.leaderAndISR.isr)"] }
        }
        #expect(contents(perPass) == contents(kafka))
        // Requests carry zkVersions, which differ where the ISR shrinks of both brokers are written at once.
        func withoutVersions(_ told: [String]) -> [String] { told.map { $0.replacing(/\/v\d+$/, with: "") } }
        #expect(withoutVersions(perPass.told) == withoutVersions(kafka.told))
        #expect((perPass.holding?.batches.count ?? 0) >= 2)
    }

    @Test func controlledShutdown_leadersMoveBeforeTheFollowersAreStopped() throws {
        let kafka = Scenario(holdingRequests: false)
        let perPass = Scenario(holdingRequests: true)
        var stillLed: [Set<TopicPartition>] = []
        for s in [kafka, perPass] {
            try s.event { stillLed.append(try s.flows.controlledShutdown(brokerID: 1, brokerEpoch: -1)) }
        }
        #expect(stillLed == [[], []])
        #expect(perPass.store.states == kafka.store.states)
        #expect(perPass.told == kafka.told)
        let batches = try #require(perPass.holding?.batches)
        // Three passes, three batches: the moved leaderships (written before anything else), StopReplica to the
        // shutting-down broker, the ISR shrinks.
        #expect(batches.count == 3)
        #expect(batches[0].snapshot == perPass.led(by: 1))
        #expect(Set(batches[0].requests.compactMap(\.leaderAndISR).flatMap(\.partitionStates).map(\.topicPartition)) == perPass.led(by: 1))
        #expect(batches[1].requests.allSatisfy { $0.stopReplica?.brokerID == 1 })
        #expect(batches[2].snapshot.count == 12)
    }

    @Test func settleChains_holdsWhileAChainIsPartWay_thenForgetsWhatWasWritten() throws {
        let s = Scenario(holdingRequests: true)
        let scoped = try #require(s.scoped)
        let partition = tp("t", 0)  // replicas 1, 2, 3, led by 1
        scoped.beginHoldingRequests()
        let loaded = s.store.states[partition]!.leaderAndISR
        let shrink = loaded.removingReplica(3)
        let last = shrink.removingReplica(2)
        _ = try scoped.writeAhead(
            [partition: SinglePassPlan.Chain(loaded: loaded, steps: [shrink, last])],
            controllerEpoch: 1, expectedControllerEpochZKVersion: 1)
        // Not started: nothing sent carries the written state, so requests may go.
        #expect(scoped.settleChains())
        _ = try scoped.updateLeaderAndISR([partition: shrink], controllerEpoch: 1, expectedControllerEpochZKVersion: 1)
        // Part-way: requests would carry [1, 2] with the version of [1]'s write.
        #expect(!scoped.settleChains())
        var second = last
        second.zkVersion = 5
        _ = try scoped.updateLeaderAndISR([partition: second], controllerEpoch: 1, expectedControllerEpochZKVersion: 1)
        #expect(s.store.updateCalls.count == 1)
        #expect(scoped.settleChains())
        // Its requests are out: a leader may write the znode now, so a read goes to the store again.
        _ = try scoped.partitionStates([partition])
        #expect(s.store.readCalls == [[partition]])
        #expect(try scoped.endHoldingRequests(expectedControllerEpochZKVersion: 1).isEmpty)
    }
}
