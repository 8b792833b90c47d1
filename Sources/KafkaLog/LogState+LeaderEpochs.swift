extension LogState {
    /// Applies a change to the leader epoch cache and, when it changed, rewrites
    /// `leader-epoch-checkpoint` (Kafka's `LeaderEpochFileCache.flush` after each change).
    mutating func updateEpochCache(_ change: (inout LeaderEpochFileCache) -> Bool) throws(LogError) {
        var cache = epochCache
        guard change(&cache) || epochCheckpointStale else { return }
        try epochCheckpoint.write(cache.entries)
        epochCache = cache
        epochCheckpointStale = false
    }

    /// A new leader's epoch at the log end offset (Kafka's `makeLeader` →
    /// `maybeAssignEpochStartOffset`). It takes effect at once in memory; the checkpoint is written
    /// with the next change to the log (the first append under the epoch, a truncation, a new log
    /// start offset). Kafka fsyncs it right away, but an entry starting at the log end offset is
    /// dropped whenever the log is loaded (`truncateFromEnd(logEndOffset)`), so until the log end
    /// moves, the file without it loads to the same cache. Deferring it spares one fsync per
    /// partition when a broker becomes leader of tens of thousands of idle partitions.
    mutating func assignEpochAtLogEnd(_ epoch: Int32) {
        if epochCache.assign(epoch: epoch, startOffset: logEndOffset) { epochCheckpointStale = true }
    }

    /// Kafka's `Log.endOffsetForEpoch`: nil when the cache cannot tell (undefined offset).
    func endOffsetForEpoch(_ epoch: Int32) -> (epoch: Int32, endOffset: Int64)? {
        let found = epochCache.endOffsetFor(requestedEpoch: epoch, logEndOffset: logEndOffset)
        return found.endOffset == LeaderEpochFileCache.undefinedEpochOffset ? nil : found
    }
}
