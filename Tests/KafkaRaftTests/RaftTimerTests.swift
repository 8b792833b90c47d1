import KafkaRaft
import Testing

/// The KIP-595 timers: randomized election timeouts, the election backoff, EndQuorumEpoch's
/// successor backoff, check-quorum.
@Suite(.tags(.unit)) struct RaftTimerTests {
    @Test func electionTimeout_isDrawnFromTToTwoT() {
        for seed in UInt64(1)...200 {
            let raft = RaftInstance(localId: 1, voters: [1, 2, 3], quorumState: nil, now: 0, seed: seed)
            #expect((1000..<2000).contains(raft.nextDeadline), "seed \(seed): \(raft.nextDeadline)")
        }
    }

    @Test func lostElection_backsOffAtMostElectionBackoffMax() {
        for seed in UInt64(1)...100 {
            var raft = RaftInstance(localId: 1, voters: [1, 2, 3], quorumState: nil, now: 0, seed: seed)
            let start = raft.nextDeadline
            let votes = RaftInstanceTests.sends(raft.onTick(now: start))
            #expect(votes.count == 2)
            for vote in votes {
                _ = raft.onMessage(RaftEnvelope(
                    source: vote.destination, destination: 1, correlationId: vote.correlationId,
                    message: .voteResponse(.init(errorCode: .none, leaderId: nil, leaderEpoch: 1, voteGranted: false))), now: start)
            }
            // First retry: 100 ms × random(0..<2); a zero backoff stands again at once.
            guard case .candidate(let candidate) = raft.state else {
                Issue.record("seed \(seed): expected a candidate, got \(raft.state)")
                return
            }
            if let backoff = candidate.backoffDeadline {
                #expect(backoff == start + 100, "seed \(seed): backoff until \(backoff)")
                _ = raft.onTick(now: backoff)
            }
            #expect(raft.epoch == 2)
        }
    }

    @Test func endQuorumEpoch_successorBackoff_isStrictExponential() {
        func deadline(localId: Int32, successors: [Int32]) -> Int64 {
            var raft = RaftInstance(
                localId: localId, voters: [1, 2, 3, 4, 5],
                quorumState: QuorumStateData(leaderEpoch: 3, leaderId: 1, votedId: nil, currentVoters: [1, 2, 3, 4, 5]),
                now: 0, seed: 1)
            _ = raft.onMessage(RaftEnvelope(
                source: 1, destination: localId, correlationId: 1,
                message: .endQuorumEpochRequest(.init(leaderId: 1, leaderEpoch: 3, preferredSuccessors: successors))), now: 100)
            switch raft.state {
            case .follower(let follower): return follower.fetchDeadline
            case .candidate(let candidate) where candidate.epoch == 4: return 100  // stood at once
            default: return -1
            }
        }
        // Four successors: base = 1000 >> 3 = 125; positions 0, 1, 2, 3 → 0, 125, 250, 500 ms.
        let successors: [Int32] = [4, 2, 5, 3]
        #expect(deadline(localId: 4, successors: successors) == 100)
        #expect(deadline(localId: 2, successors: successors) == 225)
        #expect(deadline(localId: 5, successors: successors) == 350)
        #expect(deadline(localId: 3, successors: successors) == 600)
        // Not named: stands at once, as Kafka's `position <= 0` does.
        #expect(deadline(localId: 3, successors: [4, 2]) == 100)
    }

    @Test func leaderWithoutFetches_resignsAfterOneAndAHalfFetchTimeouts() {
        var raft = RaftInstance(localId: 1, voters: [1, 2, 3], quorumState: nil, now: 0, seed: 5)
        let start = raft.nextDeadline
        let votes = RaftInstanceTests.sends(raft.onTick(now: start))
        _ = raft.onMessage(RaftEnvelope(
            source: votes[0].destination, destination: 1, correlationId: votes[0].correlationId,
            message: .voteResponse(.init(errorCode: .none, leaderId: nil, leaderEpoch: 1, voteGranted: true))), now: start)
        #expect(raft.state.isLeader)
        _ = raft.onTick(now: start + 2999)
        #expect(raft.state.isLeader)
        _ = raft.onTick(now: start + 3000)
        guard case .resigned(let resigned) = raft.state else {
            Issue.record("expected Resigned, got \(raft.state.name)")
            return
        }
        #expect(resigned.epoch == 1)
    }
}
