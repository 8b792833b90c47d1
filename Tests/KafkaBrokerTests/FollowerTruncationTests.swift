import KafkaBroker
import KafkaLog
import Testing

/// Kafka 2.8 `AbstractFetcherThread.getOffsetTruncationState` and `Partition.readRecords`'s
/// diverging-epoch check, as pure functions.
@Suite("Follower truncation and fetch divergence rules (KIP-101, KIP-279)", .tags(.unit))
struct FollowerTruncationTests {
    private func epochs(_ pairs: [(Int32, Int64)]) -> LeaderEpochFileCache {
        LeaderEpochFileCache(entries: pairs.map { EpochEntry(epoch: $0.0, startOffset: $0.1) })
    }

    @Test func truncationState() {
        let follower = epochs([(0, 0), (2, 10), (4, 20)])
        func state(_ epoch: Int32, _ end: Int64, fetchOffset: Int64 = 5) -> OffsetTruncationState {
            FollowerTruncation.truncationState(
                leaderEpoch: epoch, leaderEndOffset: end, followerEpochs: follower, followerLogEndOffset: 30,
                fetchOffset: fetchOffset)
        }
        // Undefined end offset: the initial fetch offset.
        #expect(state(-1, -1, fetchOffset: 7) == .init(offset: 7, truncationCompleted: true))
        // No epoch in the answer (v0): the leader's offset, capped at our end.
        #expect(state(-1, 12) == .init(offset: 12, truncationCompleted: true))
        #expect(state(-1, 99) == .init(offset: 30, truncationCompleted: true))
        // Same epoch known on both sides: the smaller of both ends.
        #expect(state(2, 15) == .init(offset: 15, truncationCompleted: true))
        #expect(state(2, 25) == .init(offset: 20, truncationCompleted: true))
        #expect(state(4, 40) == .init(offset: 30, truncationCompleted: true))
        // The leader's epoch is unknown here: cut to the end of our largest epoch below it, ask again.
        #expect(state(3, 25) == .init(offset: 20, truncationCompleted: false))
        // Below all our epochs: the leader's offset.
        let late = epochs([(5, 10)])
        #expect(FollowerTruncation.truncationState(
            leaderEpoch: 1, leaderEndOffset: 4, followerEpochs: late, followerLogEndOffset: 12, fetchOffset: 12)
            == .init(offset: 4, truncationCompleted: true))
    }

    @Test func fetchDivergence() {
        let leader = epochs([(0, 0), (3, 10)])
        func check(_ lastFetched: Int32, _ fetchOffset: Int64, start: Int64 = 0) -> FetchDivergence {
            FetchDivergence.check(
                lastFetchedEpoch: lastFetched, fetchOffset: fetchOffset, leaderEpochs: leader, logStartOffset: start,
                logEndOffset: 15)
        }
        #expect(check(-1, 12) == .none)
        #expect(check(3, 12) == .none)
        #expect(check(0, 10) == .none)
        // The follower wrote past the end of epoch 0 in the leader's log.
        #expect(check(0, 12) == .diverging(epoch: 0, endOffset: 10))
        // An epoch the leader never had: its largest epoch below it.
        #expect(check(2, 10) == .diverging(epoch: 0, endOffset: 10))
        // An epoch above the leader's latest: unknown end, out of range.
        #expect(check(4, 15) == .offsetOutOfRange)
        // Below the log start: out of range even if diverging.
        #expect(check(0, 12, start: 13) == .offsetOutOfRange)
    }
}
