import KafkaBroker
import KafkaModel
import Testing

@Suite("Partition replication rules: high watermark and ISR (Kafka 2.8 Partition/Replica)", .tags(.unit))
struct PartitionReplicationStateTests {
    /// Broker 1 leads, followers 2 and 3, all in the ISR, at t = 1,000 ms.
    func leaderState(isr: [BrokerID] = [1, 2, 3]) -> PartitionReplicationState {
        PartitionReplicationState(
            brokerID: 1, leadership: LeaderISRAndControllerEpoch(leader: 1, leaderEpoch: 4, isr: isr, zkVersion: 7, controllerEpoch: 2),
            replicas: [1, 2, 3], nowMs: 1_000)
    }

    @Test("the high watermark is the smallest log end offset in the ISR and waits for followers that have not fetched")
    func highWatermarkIsIsrMinimum() {
        var state = leaderState()
        #expect(state.newHighWatermark(leaderLogEndOffset: 10, current: 0) == nil)  // nobody fetched yet
        state.recordFollowerFetch(replica: 2, fetchOffset: 10, leaderLogEndOffset: 10, nowMs: 1_100)
        #expect(state.newHighWatermark(leaderLogEndOffset: 10, current: 0) == nil)  // 3 still unknown
        state.recordFollowerFetch(replica: 3, fetchOffset: 6, leaderLogEndOffset: 10, nowMs: 1_100)
        #expect(state.newHighWatermark(leaderLogEndOffset: 10, current: 0) == 6)
        #expect(state.newHighWatermark(leaderLogEndOffset: 10, current: 6) == nil)  // never backwards or sideways
    }

    @Test("a replica outside the ISR does not hold the high watermark back")
    func outOfIsrReplicaIgnored() {
        var state = leaderState(isr: [1, 2])
        state.recordFollowerFetch(replica: 2, fetchOffset: 10, leaderLogEndOffset: 10, nowMs: 1_100)
        #expect(state.newHighWatermark(leaderLogEndOffset: 10, current: 0) == 10)
    }

    @Test("a lone leader commits at its log end offset")
    func loneLeader() {
        let state = leaderState(isr: [1])
        #expect(state.newHighWatermark(leaderLogEndOffset: 42, current: 3) == 42)
    }

    @Test("a follower that stopped fetching leaves the ISR after replica.lag.time.max.ms, the leader never does")
    func shrink() {
        var state = leaderState()
        state.recordFollowerFetch(replica: 2, fetchOffset: 10, leaderLogEndOffset: 10, nowMs: 20_000)
        state.recordFollowerFetch(replica: 3, fetchOffset: 4, leaderLogEndOffset: 4, nowMs: 1_500)
        // At 20 s: 3 was last caught up at 1.5 s and is behind the leader's end offset 10.
        #expect(state.shrunkIsr(leaderLogEndOffset: 10, nowMs: 20_000, maxLagMs: 30_000) == nil)
        #expect(state.shrunkIsr(leaderLogEndOffset: 10, nowMs: 31_600, maxLagMs: 30_000) == [1, 2])
    }

    @Test("a follower at the leader's end offset is in sync however long ago it fetched")
    func caughtUpStays() {
        var state = leaderState(isr: [1, 2])
        state.recordFollowerFetch(replica: 2, fetchOffset: 10, leaderLogEndOffset: 10, nowMs: 1_000)
        #expect(state.shrunkIsr(leaderLogEndOffset: 10, nowMs: 100_000, maxLagMs: 30_000) == nil)
    }

    @Test("a follower fetching at the leader's previous end offset counts as caught up at its previous fetch")
    func lastCaughtUpAtPreviousFetch() {
        var state = leaderState(isr: [1, 2])
        state.recordFollowerFetch(replica: 2, fetchOffset: 5, leaderLogEndOffset: 8, nowMs: 10_000)
        state.recordFollowerFetch(replica: 2, fetchOffset: 8, leaderLogEndOffset: 12, nowMs: 20_000)
        #expect(state.followers[2]?.lastCaughtUpTimeMs == 10_000)
        #expect(state.shrunkIsr(leaderLogEndOffset: 12, nowMs: 39_000, maxLagMs: 30_000) == nil)
        #expect(state.shrunkIsr(leaderLogEndOffset: 12, nowMs: 40_001, maxLagMs: 30_000) == [1])
    }

    @Test("a follower outside the ISR rejoins once it reaches the high watermark")
    func expand() {
        var state = leaderState(isr: [1, 2])
        state.recordFollowerFetch(replica: 3, fetchOffset: 5, leaderLogEndOffset: 20, nowMs: 2_000)
        #expect(state.expandedIsr(highWatermark: 10) == nil)
        state.recordFollowerFetch(replica: 3, fetchOffset: 10, leaderLogEndOffset: 20, nowMs: 3_000)
        #expect(state.expandedIsr(highWatermark: 10) == [1, 2, 3])
    }

    @Test("a caught-up follower that is not eligible (KRaft: fenced or in controlled shutdown) does not join")
    func expandOnlyEligible() {
        var state = leaderState(isr: [1])
        state.recordFollowerFetch(replica: 2, fetchOffset: 10, leaderLogEndOffset: 10, nowMs: 1_000)
        state.recordFollowerFetch(replica: 3, fetchOffset: 10, leaderLogEndOffset: 10, nowMs: 1_000)
        #expect(state.expandedIsr(highWatermark: 10) { $0 != 3 } == [1, 2])
        #expect(state.expandedIsr(highWatermark: 10) { _ in false } == nil)
    }

    @Test("followers decide nothing: no shrink, no expansion")
    func followerDecidesNothing() {
        var state = PartitionReplicationState(
            brokerID: 2, leadership: LeaderISRAndControllerEpoch(leader: 1, leaderEpoch: 4, isr: [1, 2], zkVersion: 7, controllerEpoch: 2),
            replicas: [1, 2, 3], nowMs: 0)
        state.recordFollowerFetch(replica: 3, fetchOffset: 100, leaderLogEndOffset: 100, nowMs: 1)
        #expect(state.expandedIsr(highWatermark: 0) == nil)
        #expect(state.shrunkIsr(leaderLogEndOffset: 100, nowMs: 1_000_000, maxLagMs: 1) == nil)
    }
}
