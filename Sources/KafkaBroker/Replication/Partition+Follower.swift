import KafkaLog
import KafkaModel
import NIOCore

extension Partition {
    public enum FollowerError: Error, Sendable {
        /// This broker is no longer a follower of that leader at that epoch: the fetch result is
        /// stale and must neither truncate nor append (a LeaderAndIsr got in between).
        case fenced(current: FollowerFence, isLeader: Bool)
        case log(LogError)
    }

    /// The log's state after a follower operation, for the fetcher's next request.
    public struct FollowerPosition: Sendable, Hashable {
        public var logEndOffset: Int64
        public var latestEpoch: Int32?
    }

    /// Runs `body` under the partition lock if this broker still follows `fence`'s leader at its
    /// epoch (the fetcher's `partitionMapLock` re-check in Kafka, made atomic with the change).
    private func withFollowerLock<T>(
        _ fence: FollowerFence, _ body: () throws(LogError) -> T
    ) throws(FollowerError) -> T {
        try guarded.withLock { (guarded: inout Guarded) throws(FollowerError) -> T in
            let state = guarded.replication
            guard !state.isLeader, state.leader == fence.leader, state.leaderEpoch == fence.leaderEpoch else {
                throw .fenced(current: FollowerFence(leader: state.leader, leaderEpoch: state.leaderEpoch), isLeader: state.isLeader)
            }
            do throws(LogError) {
                return try body()
            } catch {
                throw .log(error)
            }
        }
    }

    private var position: FollowerPosition {
        FollowerPosition(logEndOffset: log.logEndOffset, latestEpoch: log.latestEpoch)
    }

    /// Kafka's `ReplicaFetcherThread.processPartitionData`: appends what the leader sent, takes the
    /// leader's high watermark capped at the local log end offset, and follows the leader's log
    /// start offset (`maybeIncrementLogStartOffset`).
    func appendRecordsToFollower(
        _ records: ByteBuffer, leaderHighWatermark: Int64, leaderLogStartOffset: Int64, fence: FollowerFence, nowMs: Int64
    ) throws(FollowerError) -> FollowerPosition {
        try withFollowerLock(fence) { () throws(LogError) in
            if records.readableBytes > 0 {
                _ = try log.appendAsFollower(records, nowMs: nowMs)
            }
            log.updateHighWatermark(min(leaderHighWatermark, log.logEndOffset))
            if leaderLogStartOffset > log.logStartOffset {
                try log.maybeIncrementLogStartOffset(leaderLogStartOffset)
            }
            return position
        }
    }

    /// Kafka's `truncateOnFetchResponse` → `truncateToEpochEndOffsets` for one partition: the
    /// leader's (epoch, end offset) through `FollowerTruncation`, applied to this log.
    func truncateToLeaderEpochEnd(
        leaderEpoch: Int32, leaderEndOffset: Int64, fetchOffset: Int64, fence: FollowerFence
    ) throws(FollowerError) -> (truncation: OffsetTruncationState, position: FollowerPosition) {
        try withFollowerLock(fence) { () throws(LogError) in
            let truncation = FollowerTruncation.truncationState(
                leaderEpoch: leaderEpoch, leaderEndOffset: leaderEndOffset, followerEpochs: log.leaderEpochCache,
                followerLogEndOffset: log.logEndOffset, fetchOffset: fetchOffset)
            try log.truncate(to: truncation.offset)
            return (truncation, position)
        }
    }

    /// Kafka's `Partition.truncateTo` from the fetcher (high-watermark truncation of a log without
    /// epochs, or a leader whose log ends below ours).
    func truncateAsFollower(to offset: Int64, fence: FollowerFence) throws(FollowerError) -> FollowerPosition {
        try withFollowerLock(fence) { () throws(LogError) in
            try log.truncate(to: offset)
            return position
        }
    }

    /// Kafka's `Partition.truncateFullyAndStartAt` from the fetcher (we fell behind the leader's
    /// log start offset).
    func truncateFullyAndStartAtAsFollower(_ offset: Int64, fence: FollowerFence) throws(FollowerError) -> FollowerPosition {
        try withFollowerLock(fence) { () throws(LogError) in
            try log.truncateFullyAndStartAt(offset)
            return position
        }
    }
}
