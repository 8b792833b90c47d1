extension LogState {
    /// Applies a change to the leader epoch cache and, when it changed, rewrites
    /// `leader-epoch-checkpoint` (Kafka's `LeaderEpochFileCache.flush` after each change).
    mutating func updateEpochCache(_ change: (inout LeaderEpochFileCache) -> Bool) throws(LogError) {
        var cache = epochCache
        guard change(&cache) else { return }
        try epochCheckpoint.write(cache.entries)
        epochCache = cache
    }

    /// Kafka's `Log.endOffsetForEpoch`: nil when the cache cannot tell (undefined offset).
    func endOffsetForEpoch(_ epoch: Int32) -> (epoch: Int32, endOffset: Int64)? {
        let found = epochCache.endOffsetFor(requestedEpoch: epoch, logEndOffset: logEndOffset)
        return found.endOffset == LeaderEpochFileCache.undefinedEpochOffset ? nil : found
    }
}
