extension PartitionLog {
    /// The log's current settings.
    public var config: LogConfig { state.withLock { $0.config } }

    /// The log's clean and dirty sections (Kafka's `LogToClean`); nil unless its `cleanup.policy`
    /// includes `compact`. A truncation since the last call lowers the checkpoint to the truncation
    /// offset (Kafka's `maybeTruncateCheckpoint`): the records appended after it are dirty.
    public func cleanableLog(checkpointedDirtyOffset: Int64?, nowMs: Int64) -> CleanableLog? {
        state.withLock { state in
            guard state.config.compact, !state.isClosed else { return nil }
            var checkpoint = checkpointedDirtyOffset
            if let truncated = state.truncatedSinceCleanerLooked, let current = checkpoint {
                checkpoint = min(current, truncated)
            }
            state.truncatedSinceCleanerLooked = nil
            return CleanableLog.compute(
                topicPartition: topicPartition, segments: state.segmentSummaries, logStartOffset: state.logStartOffset,
                logEndOffset: state.logEndOffset, highWatermark: state.highWatermark,
                checkpointedDirtyOffset: checkpoint, minCompactionLagMs: state.config.minCompactionLagMs,
                nowMs: nowMs)
        }
    }

    /// One cleaning pass over the log (Kafka's `Cleaner.clean`). Runs under the flush lock and the
    /// log's lock, so appends to the log wait for it (Kafka cleans without the lock and only swaps
    /// segments under it). `crashPoint` is a test hook that stops the pass as a crash would.
    public func clean(
        _ toClean: CleanableLog, offsetMapMemory: Int, loadFactor: Double = 0.9, nowMs: Int64,
        crashPoint: CleanerCrashPoint? = nil
    ) throws -> CleanerStats {
        try flushLock.withLock { _ in
            try state.withLock { state in
                try state.clean(
                    toClean, mapMemory: offsetMapMemory, loadFactor: loadFactor, nowMs: nowMs, crashPoint: crashPoint)
            }
        }
    }
}
