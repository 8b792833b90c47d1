import KafkaBroker
import KafkaLog
import Testing

/// KIP-101's two failure scenarios of high-watermark truncation, reproduced with real logs on disk
/// and the broker's leader-epoch rules (`FetchDivergence` on the leader, `FollowerTruncation` on
/// the follower). Each test also shows what high-watermark truncation (ZKafka before leader
/// epochs, Kafka before 0.11) would have done.
@Suite("KIP-101 scenarios: leader epochs instead of high-watermark truncation", .tags(.unit))
struct KIP101ScenarioTests {
    /// Scenario 1: "high watermark truncation followed by immediate leader election loses an
    /// acknowledged message". A leads, B follows; both hold m1, m2; A's high watermark is 2 (m2 was
    /// acknowledged with acks=all), B's is still 1 (it learns the new mark on its next fetch). B
    /// restarts; then A dies and B becomes leader.
    @Test("scenario 1: a follower that restarts keeps the acknowledged message it holds")
    func scenario1() throws {
        let scratch = ScratchDirectory()
        let a = try ReplicaLog("a", in: scratch)
        let b = try ReplicaLog("b", in: scratch)
        try a.becomeLeader(epoch: 0)
        try a.produce("m1", epoch: 0)
        try a.produce("m2", epoch: 0)
        try b.catchUp(with: a)
        a.log.updateHighWatermark(2)  // B's next fetch at offset 2 acknowledged m2
        b.log.updateHighWatermark(1)  // B saw the mark of its previous fetch
        try b.restart()
        // High-watermark truncation would cut B at 1 here, dropping m2.
        #expect(b.log.highWatermark == 1)
        // With epochs, B's first fetch (last fetched epoch 0 at offset 2) does not diverge.
        #expect(try b.fetch(from: a) == nil)
        #expect(b.log.logEndOffset == 2)
        // A dies, B is elected with epoch 1: the acknowledged m2 survives.
        try b.becomeLeader(epoch: 1)
        #expect(try b.values == ["m1", "m2"])
    }

    /// Scenario 2: "replica divergence on restart after multiple hard failures". A leads with m1,
    /// m2, B holds only m1; A's high watermark is 2 (B had left the ISR), B's 1. Both crash; B comes
    /// back first, becomes leader (epoch 1) and takes m3 at offset 1; then A returns as follower.
    @Test("scenario 2: after both replicas crash, the returning one truncates exactly its diverging tail")
    func scenario2() throws {
        let scratch = ScratchDirectory()
        let a = try ReplicaLog("a", in: scratch)
        let b = try ReplicaLog("b", in: scratch)
        try a.becomeLeader(epoch: 0)
        try a.produce("m1", epoch: 0)
        try b.catchUp(with: a)
        b.log.updateHighWatermark(1)
        try a.produce("m2", epoch: 0)
        a.log.updateHighWatermark(2)
        try a.restart()
        try b.restart()
        try b.becomeLeader(epoch: 1)
        try b.produce("m3", epoch: 1)
        // High-watermark truncation would keep A's log up to its mark 2: m2 at offset 1, where B
        // has m3 — divergent replicas.
        #expect(a.log.highWatermark == 2)
        // With epochs, B answers A's epoch 0 with its end in B's log, offset 1; A cuts m2 only.
        let truncation = try a.fetch(from: b)
        #expect(truncation == OffsetTruncationState(offset: 1, truncationCompleted: true))
        try a.catchUp(with: b)
        #expect(try a.values == ["m1", "m3"])
        #expect(try a.bytes == b.bytes)
        #expect(a.log.leaderEpochCache == b.log.leaderEpochCache)
    }

    /// KIP-279: successive leader changes leave the follower with an epoch the leader never had;
    /// truncation goes in steps, each fetch naming the follower's new latest epoch.
    @Test("KIP-279: a follower with an epoch unknown to the leader converges in several fetches")
    func kip279() throws {
        let scratch = ScratchDirectory()
        let a = try ReplicaLog("a", in: scratch)
        let b = try ReplicaLog("b", in: scratch)
        try a.becomeLeader(epoch: 0)
        try a.produce("m1", epoch: 0)
        try b.catchUp(with: a)
        // B leads at epoch 1 and writes b1 alone; A leads at epoch 2 and writes a2 alone; B leads
        // again at epoch 3 and writes b3. A's epoch 2 was never in B's log, B's epoch 1 never in A's.
        try b.becomeLeader(epoch: 1)
        try b.produce("b1", epoch: 1)
        try a.becomeLeader(epoch: 2)
        try a.produce("a2", epoch: 2)
        try b.becomeLeader(epoch: 3)
        try b.produce("b3", epoch: 3)
        // B answers A's epoch 2 with (1, 2); A knows no epoch 1, so it cuts to the end of its epoch
        // 0 and asks again.
        #expect(try a.fetch(from: b) == OffsetTruncationState(offset: 1, truncationCompleted: false))
        try a.catchUp(with: b)
        #expect(try a.values == ["m1", "b1", "b3"])
        #expect(try a.bytes == b.bytes)
    }
}
