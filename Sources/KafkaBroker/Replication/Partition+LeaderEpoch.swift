import KafkaLog
import KafkaProtocol

extension Partition {
    /// One answer of OffsetsForLeaderEpoch (Kafka's `EpochEndOffset`).
    public struct EpochEndOffsetAnswer: Sendable, Hashable {
        public var errorCode: KafkaErrorCode
        public var leaderEpoch: Int32 = LeaderEpochFileCache.undefinedEpoch
        public var endOffset: Int64 = LeaderEpochFileCache.undefinedEpochOffset
    }

    /// Kafka 2.8 `Partition.lastOffsetForLeaderEpoch`: checks the caller's current leader epoch
    /// (FENCED_LEADER_EPOCH below ours, UNKNOWN_LEADER_EPOCH above), then leadership when
    /// `fetchOnlyFromLeader` (NOT_LEADER_OR_FOLLOWER), then answers the epoch cache's end offset
    /// for `leaderEpoch` — undefined (-1, -1) with no error when the cache cannot tell.
    public func lastOffsetForLeaderEpoch(
        currentLeaderEpoch: Int32, leaderEpoch: Int32, fetchOnlyFromLeader: Bool
    ) -> EpochEndOffsetAnswer {
        guarded.withLock { guarded in
            let state = guarded.replication
            if currentLeaderEpoch >= 0 {
                if currentLeaderEpoch < state.leaderEpoch { return EpochEndOffsetAnswer(errorCode: .fencedLeaderEpoch) }
                if currentLeaderEpoch > state.leaderEpoch { return EpochEndOffsetAnswer(errorCode: .unknownLeaderEpoch) }
            }
            if fetchOnlyFromLeader && !state.isLeader { return EpochEndOffsetAnswer(errorCode: .notLeaderOrFollower) }
            guard let found = log.endOffsetForEpoch(leaderEpoch) else { return EpochEndOffsetAnswer(errorCode: .none) }
            return EpochEndOffsetAnswer(errorCode: .none, leaderEpoch: found.epoch, endOffset: found.endOffset)
        }
    }
}
