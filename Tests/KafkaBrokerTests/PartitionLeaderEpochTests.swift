import KafkaLog
import KafkaModel
import KafkaProtocol
import NIOCore
import Testing

@testable import KafkaBroker

/// `Partition`'s leader-epoch behaviour (Kafka 2.8 `makeLeader`, `readRecords`,
/// `lastOffsetForLeaderEpoch`), the fetcher's fenced follower operations, and the maximal ISR.
@Suite("Partition: leader epochs, fenced follower changes, maximal ISR", .tags(.unit))
struct PartitionLeaderEpochTests {
    let scratch = ScratchDirectory()

    private func partition(_ name: String, _ state: PartitionReplicationState, minInsync: Int = 1) throws -> Partition {
        let log = try PartitionLog.open(
            directory: scratch.path + "/" + name + "/kip101-0", topicPartition: epochTestPartition, config: LogConfig(),
            recoveryPoint: 0, logStartOffset: 0, highWatermark: 0, hadCleanShutdown: true, nowMs: 1_000)
        let partition = Partition(topicPartition: epochTestPartition, log: log, state: state, minInsyncReplicas: minInsync)
        try partition.apply(state)
        return partition
    }

    private func state(
        broker: BrokerID = 1, leader: BrokerID, epoch: Int32, isr: [BrokerID] = [1, 2], replicas: [BrokerID] = [1, 2]
    ) -> PartitionReplicationState {
        PartitionReplicationState(
            brokerID: broker, leadership: LeaderISRAndControllerEpoch(leader: leader, leaderEpoch: epoch, isr: isr, zkVersion: 0, controllerEpoch: 1),
            replicas: replicas, nowMs: 1_000)
    }

    private func append(_ partition: Partition, _ values: String...) throws {
        for value in values {
            _ = try partition.appendRecordsToLeader([recordBatch(value)], requiredAcks: 1, nowMs: 1_000)
        }
    }

    @Test("a new leader records its epoch at its log end offset")
    func makeLeaderAssignsEpoch() throws {
        let leader = try partition("leader", state(leader: 1, epoch: 3))
        try append(leader, "a", "b")
        try leader.apply(state(leader: 1, epoch: 5))
        #expect(leader.log.leaderEpochCache.entries == [EpochEntry(epoch: 3, startOffset: 0), EpochEntry(epoch: 5, startOffset: 2)])
        // A follower does not truncate on LeaderAndIsr: the fetcher does, with epochs.
        try leader.apply(state(leader: 2, epoch: 6))
        #expect(leader.log.logEndOffset == 2)
    }

    @Test("OffsetsForLeaderEpoch answers and errors as Kafka's lastOffsetForLeaderEpoch")
    func lastOffsetForLeaderEpoch() throws {
        let leader = try partition("leader", state(leader: 1, epoch: 3))
        try append(leader, "a", "b")
        try leader.apply(state(leader: 1, epoch: 5))
        try append(leader, "c")
        let answer = leader.lastOffsetForLeaderEpoch(currentLeaderEpoch: 5, leaderEpoch: 4, fetchOnlyFromLeader: true)
        #expect(answer == .init(errorCode: .none, leaderEpoch: 3, endOffset: 2))
        #expect(leader.lastOffsetForLeaderEpoch(currentLeaderEpoch: -1, leaderEpoch: 5, fetchOnlyFromLeader: true)
            == .init(errorCode: .none, leaderEpoch: 5, endOffset: 3))
        #expect(leader.lastOffsetForLeaderEpoch(currentLeaderEpoch: -1, leaderEpoch: 9, fetchOnlyFromLeader: true)
            == .init(errorCode: .none, leaderEpoch: -1, endOffset: -1))
        #expect(leader.lastOffsetForLeaderEpoch(currentLeaderEpoch: 4, leaderEpoch: 3, fetchOnlyFromLeader: true).errorCode == .fencedLeaderEpoch)
        #expect(leader.lastOffsetForLeaderEpoch(currentLeaderEpoch: 6, leaderEpoch: 3, fetchOnlyFromLeader: true).errorCode == .unknownLeaderEpoch)
        try leader.apply(state(leader: 2, epoch: 6))
        #expect(leader.lastOffsetForLeaderEpoch(currentLeaderEpoch: 6, leaderEpoch: 3, fetchOnlyFromLeader: true).errorCode == .notLeaderOrFollower)
    }

    @Test("a diverging follower gets diverging_epoch, no records, and does not move the high watermark")
    func divergingFetch() throws {
        let leader = try partition("leader", state(leader: 1, epoch: 0))
        try append(leader, "a")
        try leader.apply(state(leader: 1, epoch: 2))
        try append(leader, "b")
        // The follower wrote 3 records under epoch 0; the leader's epoch 0 ends at 1.
        let result = try leader.read(
            fetchOffset: 3, maxBytes: 1 << 20, minOneMessage: true, replicaID: 2, currentLeaderEpoch: 2,
            lastFetchedEpoch: 0, nowMs: 2_000)
        #expect(result.divergingEpoch?.epoch == 0 && result.divergingEpoch?.endOffset == 1)
        #expect(result.records.readableBytes == 0)
        #expect(leader.log.highWatermark == 0)
        #expect(leader.replicationState.followers[2]?.logEndOffset == -1)
    }

    @Test("fetch results under an old leadership neither append nor truncate")
    func fencedFollowerChanges() throws {
        let source = try partition("source", state(broker: 2, leader: 2, epoch: 5))
        try append(source, "x")
        let records = try source.log.read(startOffset: 0, maxBytes: 1 << 20, upperBound: 1, minOneMessage: true).records
        let follower = try partition("follower", state(leader: 2, epoch: 5))
        let fence = FollowerFence(leader: 2, leaderEpoch: 5)
        let position = try follower.appendRecordsToFollower(
            records, leaderHighWatermark: 1, leaderLogStartOffset: 0, fence: fence, nowMs: 1_000)
        #expect(position.logEndOffset == 1 && position.latestEpoch == 5)
        // A newer epoch under the same leader: the old fetch's answers are stale.
        try follower.apply(state(leader: 2, epoch: 6))
        #expect(throws: Partition.FollowerError.self) {
            _ = try follower.appendRecordsToFollower(records, leaderHighWatermark: 1, leaderLogStartOffset: 0, fence: fence, nowMs: 1_000)
        }
        // This broker became leader: an out-of-range answer from the old leader must not truncate.
        try follower.apply(state(leader: 1, epoch: 7))
        #expect(throws: Partition.FollowerError.self) { _ = try follower.truncateAsFollower(to: 0, fence: fence) }
        #expect(throws: Partition.FollowerError.self) { _ = try follower.truncateFullyAndStartAtAsFollower(0, fence: fence) }
        #expect(throws: Partition.FollowerError.self) {
            _ = try follower.truncateToLeaderEpochEnd(leaderEpoch: 5, leaderEndOffset: 0, fetchOffset: 1, fence: fence)
        }
        #expect(follower.log.logEndOffset == 1)
    }

    @Test("while an ISR expansion is written, the high watermark waits for the joining replica (maximal ISR)")
    func maximalIsrHoldsTheHighWatermark() throws {
        let leader = try partition("leader", state(leader: 1, epoch: 1, isr: [1, 2], replicas: [1, 2, 3]))
        try append(leader, "a", "b")
        _ = try leader.read(fetchOffset: 2, maxBytes: 1 << 20, minOneMessage: true, replicaID: 2, currentLeaderEpoch: 1, nowMs: 2_000)
        #expect(leader.log.highWatermark == 2)
        // Replica 3 reaches the high watermark: an expansion to [1, 2, 3] is pending.
        let joining = try leader.read(fetchOffset: 2, maxBytes: 1 << 20, minOneMessage: true, replicaID: 3, currentLeaderEpoch: 1, nowMs: 2_000)
        #expect(joining.isrUpdate?.isr == [1, 2, 3])
        try append(leader, "c")
        _ = try leader.read(fetchOffset: 3, maxBytes: 1 << 20, minOneMessage: true, replicaID: 2, currentLeaderEpoch: 1, nowMs: 2_100)
        // With the committed ISR [1, 2] it would be 3; replica 3 is still at 2.
        #expect(leader.log.highWatermark == 2)
        _ = try leader.read(fetchOffset: 3, maxBytes: 1 << 20, minOneMessage: true, replicaID: 3, currentLeaderEpoch: 1, nowMs: 2_100)
        #expect(leader.log.highWatermark == 3)
    }
}
