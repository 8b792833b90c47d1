import Foundation
import KafkaModel
import KafkaProtocol
import KafkaTestKit
import Testing

/// Three real controller processes and one (test-client) broker: a CreateTopics of 10,000 partitions (RF 1) is
/// answered with success and no Raft election happens while the controllers decide, replay and replicate its
/// 10,001 records. With the controller on the Raft queue, followers missed their 2 s fetch timeout while
/// replaying, the quorum re-elected, and the request got NOT_CONTROLLER (docs/kraft.md).
@Suite(.tags(.cluster), .serialized, .timeLimit(.minutes(5)))
struct ControllerLargeOperationProcessTests {
    @Test func tenThousandPartitionCreateTopics_succeedsWithoutAnElection() async throws {
        let quorum = try ControllerQuorumProcesses()
        defer { quorum.stopAll() }
        for id: Int32 in [1, 2, 3] { try quorum.start(id) }
        let client = ControllerClient(quorum: quorum)

        // One broker registers and is unfenced.
        let registered = try await poll("broker 101 registered", timeout: .seconds(30), detail: quorum.logs) {
            await client.register(101, incarnation: KafkaUUID(mostSignificantBits: 3, leastSignificantBits: 101))
        }
        #expect(registered.response.errorCode == 0)
        let epoch = registered.response.brokerEpoch
        try await pollUntil("broker 101 unfenced", timeout: .seconds(20), detail: quorum.logs) {
            guard let beat = await client.heartbeat(101, epoch: epoch, metadataOffset: epoch) else { return false }
            return beat.response.errorCode == 0 && !beat.response.isFenced
        }

        // Every controller agrees on the leader and epoch before the operation.
        let before = try await poll("all three controllers agree on a leader", timeout: .seconds(20), detail: quorum.logs) {
            await Self.agreedLeader(quorum)
        }

        // Heartbeats keep the broker's session alive during the operation (as a real broker would).
        let heartbeats = Task {
            while !Task.isCancelled {
                _ = await client.heartbeat(101, epoch: epoch, metadataOffset: epoch)
                try? await Task.sleep(for: .seconds(1))
            }
        }
        let started = ContinuousClock.now
        let created = await client.createTopic("wide", partitions: 10_000, replicationFactor: 1, timeout: .seconds(120))
        let took = ContinuousClock.now - started
        heartbeats.cancel()
        _ = await heartbeats.value
        print("kraft-ctl3: CreateTopics of 10,000 partitions answered in \(took)")
        #expect(created?.topics.map(\.errorCode) == [0], "CreateTopics answered \(String(describing: created))\n\(quorum.logs())")

        // No election: every controller still names the same leader in the same epoch, and no controller's log
        // shows a transition to candidate after the first election.
        let after = try await poll("all three controllers agree on a leader", timeout: .seconds(20), detail: quorum.logs) {
            await Self.agreedLeader(quorum)
        }
        #expect(after.leader == before.leader && after.epoch == before.epoch, "leader/epoch moved from \(before) to \(after)")
        for id: Int32 in [1, 2, 3] {
            let log = (try? String(contentsOfFile: quorum.logPath(id), encoding: .utf8)) ?? ""
            // What held or delayed each Raft queue (RaftQuorumNode logs inputs over 250 ms), for the record.
            for line in log.split(separator: "\n") where line.contains("Raft queue") || line.contains("candidate") {
                print("kraft-ctl3: controller \(id): \(line)")
            }
            let candidacies = log.components(separatedBy: "Transitioned to candidate at epoch ").dropFirst()
                .compactMap { Int32($0.prefix { $0.isNumber }) }
            #expect(candidacies.allSatisfy { $0 <= before.epoch }, "controller \(id) stood in a later epoch: \(candidacies)")
        }

        // The committed log holds all 10,000 partitions (as an observer replays it).
        let observed = try await poll("an observer sees 10,000 partitions", timeout: .seconds(60), detail: quorum.logs) {
            let view = try? await client.observedState(from: after.leader, observerID: 101)
            return view?.state.topic(named: "wide")?.partitions.count == 10_000 ? view : nil
        }
        #expect(observed.state.topic(named: "wide")!.partitions.values.allSatisfy { $0.leader == 101 })
    }

    /// The leader and epoch every running controller reports (DescribeQuorum: the leader answers, the others name
    /// the leader they follow), or nil while they disagree.
    static func agreedLeader(_ quorum: ControllerQuorumProcesses) async -> (leader: Int32, epoch: Int32)? {
        var seen: Set<[Int32]> = []
        for id in quorum.runningIDs {
            guard let partition = await quorum.describe(id), partition.leaderId >= 0 else { return nil }
            seen.insert([partition.leaderId, partition.leaderEpoch])
        }
        guard seen.count == 1, let only = seen.first else { return nil }
        return (only[0], only[1])
    }
}
