import Foundation
import KafkaRaftProtocol
import ChildProcess
import KafkaTestKit
import Testing

/// Three real controller processes (Kafka 3.3's KRaft controller quorum with default timeouts:
/// election 1 s, fetch 2 s): election, agreement, failover after kill -9, rejoin and catch-up,
/// and a voter paused past the fetch timeout.
@Suite(.tags(.cluster), .serialized, .timeLimit(.minutes(3)))
struct ControllerQuorumProcessTests {
    /// The leader's view once every listed controller names the same leader and epoch, and every
    /// live voter's log end equals the leader's.
    static func agreedView(
        _ quorum: ControllerQuorumProcesses, live: [Int32]
    ) async -> DescribeQuorumResponse.PartitionData? {
        var views: [Int32: DescribeQuorumResponse.PartitionData] = [:]
        for id in live {
            guard let view = await quorum.describe(id) else { return nil }
            views[id] = view
        }
        guard let leaderView = views.values.first(where: { $0.errorCode == 0 }),
            views.values.allSatisfy({ $0.leaderId == leaderView.leaderId && $0.leaderEpoch == leaderView.leaderEpoch }),
            let leaderEnd = leaderView.currentVoters.first(where: { $0.replicaId == leaderView.leaderId })?.logEndOffset,
            leaderView.highWatermark == leaderEnd,
            leaderView.currentVoters.filter({ live.contains($0.replicaId) }).allSatisfy({ $0.logEndOffset == leaderEnd })
        else { return nil }
        return leaderView
    }

    @Test func quorum_electsFailsOverRejoinsAndSurvivesAPausedVoter() async throws {
        let quorum = try ControllerQuorumProcesses()
        defer { quorum.stopAll() }
        let all: [Int32] = [1, 2, 3]
        for id in all { try quorum.start(id) }

        // 1. A leader is elected and every node agrees; its LeaderChange record is committed.
        let first = try await poll("a leader all three controllers agree on", timeout: .seconds(20), detail: quorum.logs) {
            await Self.agreedView(quorum, live: all)
        }
        #expect(first.leaderEpoch >= 1)
        #expect(first.highWatermark >= 1)
        #expect(first.currentVoters.map(\.replicaId).sorted() == all)

        // 2. kill -9 the leader: the others elect a new leader in a higher epoch within a few
        // election timeouts (fetch timeout 2 s + election timeout 1-2 s + backoff).
        let killed = first.leaderId
        quorum.signal(killed, SIGKILL)
        let survivors = all.filter { $0 != killed }
        let second = try await poll("a new leader among the survivors", timeout: .seconds(20), detail: quorum.logs) {
            await Self.agreedView(quorum, live: survivors)
        }
        #expect(second.leaderEpoch > first.leaderEpoch)
        #expect(second.leaderId != killed)
        #expect(second.highWatermark > first.highWatermark)

        // 3. The killed controller restarts, follows, and catches up to the leader's log end.
        try quorum.start(killed)
        let third = try await poll("the restarted controller caught up", timeout: .seconds(20), detail: quorum.logs) { () async -> DescribeQuorumResponse.PartitionData? in
            guard let view = await Self.agreedView(quorum, live: all), view.leaderEpoch >= second.leaderEpoch else { return nil }
            return view
        }
        #expect(third.leaderId != killed || third.leaderEpoch > second.leaderEpoch)

        // 4. SIGSTOP the leader past the fetch timeout, then SIGCONT: the quorum moves on without it,
        // it rejoins as a follower, and the committed records stay (the high watermark never falls).
        let paused = third.leaderId
        quorum.signal(paused, SIGSTOP)
        let others = all.filter { $0 != paused }
        // Paused, not slept past: wait for the state the fetch timeout leads to, a new leader among the others.
        _ = try await poll("a new leader while controller \(paused) is paused", timeout: .seconds(30), detail: quorum.logs) {
            () async -> DescribeQuorumResponse.PartitionData? in
            guard let view = await Self.agreedView(quorum, live: others), view.leaderEpoch > third.leaderEpoch else { return nil }
            return view
        }
        quorum.signal(paused, SIGCONT)
        let fourth = try await poll("the paused controller rejoined", timeout: .seconds(20), detail: quorum.logs) { () async -> DescribeQuorumResponse.PartitionData? in
            guard let view = await Self.agreedView(quorum, live: all), view.leaderEpoch > third.leaderEpoch else { return nil }
            return view
        }
        #expect(fourth.highWatermark >= third.highWatermark)
        let pausedLog = try String(contentsOfFile: quorum.logPath(paused), encoding: .utf8)
        #expect(pausedLog.contains("Transitioned to leader at epoch \(third.leaderEpoch)"))

        // 5. SIGTERM stops a controller cleanly.
        let status = try await quorum.terminate(paused)
        #expect(status == .exited(0))
        let stoppedLog = try String(contentsOfFile: quorum.logPath(paused), encoding: .utf8)
        #expect(stoppedLog.contains("[KafkaRaftServer nodeId=\(paused)] shut down completed"))
    }
}
