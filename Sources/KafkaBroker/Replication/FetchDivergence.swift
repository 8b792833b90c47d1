import KafkaLog

/// The leader's check of a Fetch v12 `last_fetched_epoch` (Kafka 2.8 `Partition.readRecords`):
/// a follower whose last fetched epoch ends earlier in the leader's log than its fetch offset, or
/// that the leader does not know, has a diverging tail, and is answered with the epoch and end
/// offset to truncate to instead of records. Pure.
public enum FetchDivergence: Sendable, Hashable {
    /// No divergence: read records as usual.
    case none
    /// Answer `diverging_epoch` = (epoch, endOffset) and no records.
    case diverging(epoch: Int32, endOffset: Int64)
    /// OFFSET_OUT_OF_RANGE: the epoch's end is unknown, or the fetch offset is below the log start.
    case offsetOutOfRange

    public static func check(
        lastFetchedEpoch: Int32, fetchOffset: Int64, leaderEpochs: LeaderEpochFileCache, logStartOffset: Int64,
        logEndOffset: Int64
    ) -> FetchDivergence {
        guard lastFetchedEpoch >= 0 else { return .none }
        let found = leaderEpochs.endOffsetFor(requestedEpoch: lastFetchedEpoch, logEndOffset: logEndOffset)
        if found.endOffset == LeaderEpochFileCache.undefinedEpochOffset || found.epoch == LeaderEpochFileCache.undefinedEpoch {
            return .offsetOutOfRange
        }
        // Below the log start: out of range whether or not the epochs diverge.
        if fetchOffset < logStartOffset { return .offsetOutOfRange }
        if found.epoch < lastFetchedEpoch || found.endOffset < fetchOffset {
            return .diverging(epoch: found.epoch, endOffset: found.endOffset)
        }
        return .none
    }
}
