import Dispatch
import Foundation
import KafkaConfig
import KafkaModel
import KafkaProtocol
import KafkaQuorumController
import KafkaRaft
@testable import KafkaRaftServer
import KafkaTestKit
import Logging
import Testing

/// The quorum controller runs on a queue of its own (Kafka 3.3's `QuorumController` event thread, apart from the
/// `KafkaRaftClient` thread): in-process, one voter with the controller on top; an operation holds the controller's
/// queue and, meanwhile, the Raft node still answers a Fetch and DescribeQuorum. Before the queues were split, the
/// Fetch could not be answered until the operation ended (here: never, the operation waits for the answer).
@Suite(.serialized, .timeLimit(.minutes(2)))
struct QuorumControllerQueueTests {
    @Test func raftAnswersFetchAndDescribeQuorum_whileAControllerOperationHoldsTheControllerQueue() async throws {
        let directory = NSTemporaryDirectory() + "kraft-controller-queue-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try KRaftConfig(values: [
            "process.roles": "controller", "node.id": "1", "controller.quorum.voters": "1@127.0.0.1:9",
            "controller.listener.names": "CONTROLLER", "listeners": "CONTROLLER://127.0.0.1:9", "log.dirs": directory,
        ])
        let halts = Box<[String]>([])
        let node = RaftQuorumNode(config: config, clusterID: "queue-test", logger: Logger(label: "test.raft")) { reason in
            halts.update { $0.append(reason) }
        }
        let controller = QuorumControllerNode(
            nodeID: 1, settings: .init(controller: QuorumControllerConfig()), logger: Logger(label: "test.controller"), trace: nil)
        try controller.start(on: node)

        try await pollUntil("the single controller becomes active", timeout: .seconds(30)) {
            await Self.answer(within: .seconds(5)) { controller.currentStatus(reply: $0) }??.isActive == true
        }

        // An operation that holds the controller queue until the test opens the gate (20 s at most).
        let started = Box(false)
        let gate = DispatchSemaphore(value: 0)
        let openedInTime = Box(false)
        let input = BrokerRegistrationInput(
            brokerID: 101, incarnationID: KafkaUUID(mostSignificantBits: 1, leastSignificantBits: 101),
            endpoints: [BrokerEndpoint(listenerName: "PLAINTEXT", host: "127.0.0.1", port: 9092, securityProtocol: "PLAINTEXT")])
        let registration = Task {
            await withCheckedContinuation { (continuation: CheckedContinuation<BrokerRegistrationOutcome?, Never>) in
                controller.submit({ controller, now in
                    started.update { $0 = true }
                    let opened = gate.wait(timeout: .now() + 20) == .success
                    openedInTime.update { $0 = opened }
                    let result = controller.registerBroker(input, now: now)
                    return (result.records, result.response)
                }, reply: { continuation.resume(returning: $0) })
            }
        }
        try await pollUntil("the operation holds the controller queue", timeout: .seconds(10)) { started.value }

        // Meanwhile: an observer's Fetch from offset 0 is answered with the LeaderChange record, and DescribeQuorum
        // names this node as leader.
        let epoch = node.currentLeader.epoch
        let fetch = await Self.answer(within: .seconds(5)) { reply in
            node.handleRequest(
                .fetchRequest(.init(replicaId: 201, currentLeaderEpoch: epoch, fetchOffset: 0, lastFetchedEpoch: 0, maxWaitMs: 0)),
                from: 201, reply: reply)
        }
        let describe = await Self.answer(within: .seconds(5)) { node.describeQuorum(reply: $0) }
        let stillHeld = !openedInTime.value
        gate.signal()

        guard case .fetchResponse(let response)?? = fetch else {
            Issue.record("the Raft node did not answer a Fetch while the controller was busy: \(String(describing: fetch))")
            return await Self.stop(controller, node)
        }
        #expect(stillHeld, "the operation was still holding the controller queue when Raft answered")
        #expect(response.errorCode == .none)
        #expect(response.leaderId == 1 && response.leaderEpoch == epoch)
        #expect(response.records.first.map { if case .leaderChange = $0.payload { true } else { false } } == true)
        #expect(describe?.topics.first?.partitions.first?.leaderId == 1)

        // Once released, the operation's record is committed and answered.
        let outcome = await registration.value
        #expect(openedInTime.value)
        #expect(outcome?.errorCode == KafkaErrorCode.none)
        #expect((outcome?.brokerEpoch ?? -1) > 0)
        #expect(halts.value.isEmpty)
        await Self.stop(controller, node)
    }

    static func stop(_ controller: QuorumControllerNode, _ node: RaftQuorumNode) async {
        controller.shutdown()
        await node.shutdown()
    }

    /// What `start` hands its callback, or nil when nothing came within `timeout` (the test goes on instead of
    /// hanging on a queue that never runs the request).
    static func answer<T: Sendable>(
        within timeout: Duration, _ start: @escaping @Sendable (@escaping @Sendable (T) -> Void) -> Void
    ) async -> T? {
        let once = Once<T>()
        return await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
            once.arm { continuation.resume(returning: $0) }
            start { once.fire($0) }
            let seconds = Double(timeout.components.seconds)
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { once.fire(nil) }
        }
    }
}

/// A value shared with callbacks on other queues.
final class Box<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func update(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}

/// Resumes its continuation with the first value fired, ignoring later ones.
final class Once<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var resume: ((Value?) -> Void)?
    func arm(_ body: @escaping (Value?) -> Void) { lock.withLock { resume = body } }
    func fire(_ value: Value?) {
        let body = lock.withLock { () -> ((Value?) -> Void)? in
            defer { resume = nil }
            return resume
        }
        body?(value)
    }
}
