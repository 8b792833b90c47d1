import KafkaLog

/// Where a follower truncates once the leader told it the end offset of an epoch (Kafka 2.8
/// `AbstractFetcherThread.getOffsetTruncationState`, KIP-101 and KIP-279). The leader's answer
/// comes either from a Fetch v12 response's `diverging_epoch` or from OffsetsForLeaderEpoch. Pure:
/// the caller applies the offset to its log under its partition lock.
public enum FollowerTruncation {
    /// - leaderEpoch, leaderEndOffset: the leader's answer (largest epoch ≤ the one asked for, and
    ///   where it ends in the leader's log).
    /// - followerEpochs, followerLogEndOffset: the follower's own epoch cache and log end offset.
    /// - fetchOffset: the follower's current fetch offset (its high watermark when it had no epochs).
    public static func truncationState(
        leaderEpoch: Int32, leaderEndOffset: Int64, followerEpochs: LeaderEpochFileCache, followerLogEndOffset: Int64,
        fetchOffset: Int64
    ) -> OffsetTruncationState {
        if leaderEndOffset == LeaderEpochFileCache.undefinedEpochOffset {
            // The leader knows no offset for the epoch: keep the initial fetch offset.
            return OffsetTruncationState(offset: fetchOffset, truncationCompleted: true)
        }
        if leaderEpoch == LeaderEpochFileCache.undefinedEpoch {
            // An answer without epoch (OffsetsForLeaderEpoch v0): trust the leader's offset.
            return OffsetTruncationState(offset: min(leaderEndOffset, followerLogEndOffset), truncationCompleted: true)
        }
        let own = followerEpochs.endOffsetFor(requestedEpoch: leaderEpoch, logEndOffset: followerLogEndOffset)
        guard own.endOffset != LeaderEpochFileCache.undefinedEpochOffset else {
            // The follower tracked no epoch at or below the leader's: the leader's offset is safe.
            return OffsetTruncationState(offset: min(leaderEndOffset, followerLogEndOffset), truncationCompleted: true)
        }
        if own.epoch != leaderEpoch {
            // The follower never saw the leader's epoch: cut to the end of its largest epoch below
            // it and ask again with that epoch (KIP-279's iteration).
            return OffsetTruncationState(offset: min(own.endOffset, followerLogEndOffset), truncationCompleted: false)
        }
        let offset = min(own.endOffset, leaderEndOffset)
        return OffsetTruncationState(offset: min(offset, followerLogEndOffset), truncationCompleted: true)
    }
}
