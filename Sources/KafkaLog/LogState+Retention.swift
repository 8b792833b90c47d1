extension LogState {
    /// Kafka's `Log.deleteOldSegments`: retention by time, then by size, then segments wholly below
    /// the log start offset. Returns the number of segments deleted.
    mutating func deleteOldSegments(nowMs: Int64) throws(LogError) -> Int {
        try ensureOpen()
        clockMs = max(clockMs, nowMs)
        try deleteDueFiles(nowMs: nowMs)
        var deleted = 0
        if config.retentionMs >= 0 {
            let retention = config.retentionMs
            deleted += try deleteSegments { segment, _ in nowMs - segment.largestTimestamp > retention }
        }
        if config.retentionBytes >= 0 && sizeInBytes >= config.retentionBytes {
            var excess = sizeInBytes - config.retentionBytes
            deleted += try deleteSegments { segment, _ in
                guard excess - Int64(segment.size) >= 0 else { return false }
                excess -= Int64(segment.size)
                return true
            }
        }
        let start = logStartOffset
        deleted += try deleteSegments { _, next in next.map { $0.baseOffset <= start } ?? false }
        return deleted
    }

    /// Kafka's `deletableSegments` + `deleteSegments`: the leading run of segments matching
    /// `predicate` that lie wholly below the high watermark (never an empty active segment). When that
    /// is every segment, a new active segment is rolled first so the log keeps one.
    private mutating func deleteSegments(_ predicate: (LogSegment, LogSegment?) -> Bool) throws(LogError) -> Int {
        var victims: [LogSegment] = []
        for (i, segment) in segments.enumerated() {
            let next = i + 1 < segments.count ? segments[i + 1] : nil
            let upperBound = next?.baseOffset ?? logEndOffset
            let isLastAndEmpty = next == nil && segment.isEmpty
            guard highWatermark >= upperBound, !isLastAndEmpty, predicate(segment, next) else { break }
            victims.append(segment)
        }
        guard !victims.isEmpty else { return 0 }
        if victims.count == segments.count { try roll(nowMs: clockMs) }
        try removeSegments(victims)
        logStartOffset = max(logStartOffset, segments[0].baseOffset)
        recoveryPoint = max(recoveryPoint, logStartOffset)
        let start = logStartOffset
        try updateEpochCache { $0.truncateFromStart(startOffset: start) }
        return victims.count
    }
}
