import KafkaRaft
import Testing

/// Drives single Raft cores input by input and checks the directives (no I/O, no clock).
@Suite(.tags(.unit)) struct RaftInstanceTests {
    static func sends(_ directives: [RaftDirective]) -> [RaftEnvelope] {
        directives.compactMap { if case .send(let envelope) = $0 { envelope } else { nil } }
    }

    static func data(_ epochs: [Int32]) -> [RaftRecord] { epochs.map { RaftRecord(epoch: $0, payload: .data([])) } }

    @Test func singleVoter_electsItselfAndCommitsItsLeaderChangeRecord() {
        var raft = RaftInstance(localId: 1, voters: [1], quorumState: nil, now: 0, seed: 1)
        _ = raft.start(now: 0)
        let directives = raft.onTick(now: raft.nextDeadline)
        #expect(raft.state.isLeader)
        #expect(raft.epoch == 1)
        #expect(directives.contains(.flushLog))
        #expect(raft.log.record(at: 0)?.payload == .leaderChange(leaderId: 1, voters: [1]))
        let flushed = raft.onLogFlushed(endOffset: 1, now: 2000)
        #expect(flushed.contains(.highWatermarkAdvanced(1)))
        let (offset, _) = raft.append([[42]], now: 2001)
        #expect(offset == 1)
    }

    @Test func unattachedVoter_persistsItsVoteBeforeGrantingIt() {
        var raft = RaftInstance(localId: 2, voters: [1, 2, 3], quorumState: nil, now: 0, seed: 7)
        let request = RaftEnvelope(source: 1, destination: 2, correlationId: 9, message: .voteRequest(.init(
            candidateEpoch: 1, candidateId: 1, lastOffsetEpoch: 0, lastOffset: 0)))
        let directives = raft.onMessage(request, now: 10)
        let persistIndex = directives.firstIndex { if case .persistQuorumState(let q) = $0 { q.votedId == 1 } else { false } }
        let sendIndex = directives.firstIndex { if case .send = $0 { true } else { false } }
        #expect(persistIndex != nil && sendIndex != nil && persistIndex! < sendIndex!)
        guard case .voteResponse(let response) = Self.sends(directives).first?.message else {
            Issue.record("no vote response")
            return
        }
        #expect(response.voteGranted)
        #expect(response.leaderEpoch == 1)
        // The one vote of epoch 1 is spent.
        let other = RaftEnvelope(source: 3, destination: 2, correlationId: 10, message: .voteRequest(.init(
            candidateEpoch: 1, candidateId: 3, lastOffsetEpoch: 0, lastOffset: 0)))
        guard case .voteResponse(let second) = Self.sends(raft.onMessage(other, now: 11)).first?.message else {
            Issue.record("no vote response")
            return
        }
        #expect(!second.voteGranted)
    }

    @Test func voter_rejectsACandidateWithAStalerLog() {
        let log = RaftLog(snapshot: nil, startOffset: 0, records: Self.data([1, 1, 2]))
        var raft = RaftInstance(
            localId: 2, voters: [1, 2, 3],
            quorumState: QuorumStateData(leaderEpoch: 2, leaderId: nil, votedId: nil, currentVoters: [1, 2, 3]), log: log,
            now: 0, seed: 7)
        let request = RaftEnvelope(source: 1, destination: 2, correlationId: 1, message: .voteRequest(.init(
            candidateEpoch: 3, candidateId: 1, lastOffsetEpoch: 1, lastOffset: 5)))
        guard case .voteResponse(let response) = Self.sends(raft.onMessage(request, now: 1)).first?.message else {
            Issue.record("no vote response")
            return
        }
        #expect(!response.voteGranted)
        #expect(raft.epoch == 3)
    }

    @Test func follower_withDivergingTail_truncatesExactlyTheTail() {
        // The follower holds three records of epoch 1 the leader of epoch 2 never had past offset 2.
        let followerLog = RaftLog(snapshot: nil, startOffset: 0, records: Self.data([1, 1, 1, 1]))
        var follower = RaftInstance(
            localId: 2, voters: [1, 2, 3],
            quorumState: QuorumStateData(leaderEpoch: 2, leaderId: 1, votedId: nil, currentVoters: [1, 2, 3]),
            log: followerLog, now: 0, seed: 3)
        let fetches = Self.sends(follower.start(now: 0))
        guard let fetch = fetches.first, case .fetchRequest(let request) = fetch.message else {
            Issue.record("follower sent no fetch: \(fetches)")
            return
        }
        #expect(request.fetchOffset == 4 && request.lastFetchedEpoch == 1)
        let leaderLog = RaftLog(snapshot: nil, startOffset: 0, records: Self.data([1, 1, 2, 2, 2]))
        guard case .diverging(let divergingEpoch) = leaderLog.validate(fetchOffset: 4, lastFetchedEpoch: 1) else {
            Issue.record("leader does not see the divergence")
            return
        }
        let response = RaftEnvelope(source: 1, destination: 2, correlationId: fetch.correlationId, message: .fetchResponse(.init(
            errorCode: .none, leaderId: 1, leaderEpoch: 2, highWatermark: 2, divergingEpoch: divergingEpoch)))
        let directives = follower.onMessage(response, now: 5)
        #expect(directives.contains(.truncateLog(toEndOffset: 2)))
        #expect(follower.log.endOffsetAndEpoch == OffsetAndEpoch(offset: 2, epoch: 1))
        // The next Fetch starts where the logs agree.
        guard case .fetchRequest(let next) = Self.sends(directives).last?.message else {
            Issue.record("no fetch after truncation")
            return
        }
        #expect(next.fetchOffset == 2 && next.lastFetchedEpoch == 1)
    }

    @Test func follower_belowTheLeadersLogStart_installsTheSnapshot() {
        var follower = RaftInstance(
            localId: 2, voters: [1, 2, 3],
            quorumState: QuorumStateData(leaderEpoch: 4, leaderId: 1, votedId: nil, currentVoters: [1, 2, 3]),
            now: 0, seed: 3)
        let fetch = Self.sends(follower.start(now: 0))[0]
        let snapshotId = OffsetAndEpoch(offset: 10, epoch: 3)
        let answer = RaftEnvelope(source: 1, destination: 2, correlationId: fetch.correlationId, message: .fetchResponse(.init(
            errorCode: .none, leaderId: 1, leaderEpoch: 4, highWatermark: 12, logStartOffset: 10, snapshotId: snapshotId)))
        let next = Self.sends(follower.onMessage(answer, now: 1))
        guard let snapshotFetch = next.first, case .fetchSnapshotRequest(let request) = snapshotFetch.message else {
            Issue.record("no FetchSnapshot: \(next)")
            return
        }
        #expect(request.snapshotId == snapshotId && request.position == 0)
        let chunk = RaftEnvelope(source: 1, destination: 2, correlationId: snapshotFetch.correlationId,
            message: .fetchSnapshotResponse(.init(
                errorCode: .none, leaderId: 1, leaderEpoch: 4, snapshotId: snapshotId, size: 3, position: 0,
                unalignedRecords: [7, 8, 9])))
        let directives = follower.onMessage(chunk, now: 2)
        #expect(directives.contains(.installSnapshot(RaftSnapshot(id: snapshotId, data: [7, 8, 9]))))
        #expect(follower.log.startOffset == 10)
        #expect(follower.highWatermark == 10)
        guard case .fetchRequest(let resumed) = Self.sends(directives).last?.message else {
            Issue.record("no Fetch after install")
            return
        }
        #expect(resumed.fetchOffset == 10 && resumed.lastFetchedEpoch == 3)
    }

    @Test func restartedLeader_comesBackResigned() {
        let raft = RaftInstance(
            localId: 1, voters: [1, 2, 3],
            quorumState: QuorumStateData(leaderEpoch: 5, leaderId: 1, votedId: nil, currentVoters: [1, 2, 3]), now: 0, seed: 1)
        guard case .resigned(let resigned) = raft.state else {
            Issue.record("expected Resigned, got \(raft.state)")
            return
        }
        #expect(resigned.epoch == 5)
    }
}
