/// Kafka's `LogCleanerManager.grabFilthiestCompactedLog` and `Cleaner.groupSegmentsBySize`, pure.
public enum CleanerSelection {
    /// The log with the highest dirty ratio among those with cleanable bytes whose ratio is above
    /// their `min.cleanable.dirty.ratio`; nil when none is.
    public static func filthiest(_ candidates: [(log: CleanableLog, minCleanableRatio: Double)]) -> CleanableLog? {
        candidates
            .filter { $0.log.cleanableBytes > 0 && $0.log.cleanableRatio > $0.minCleanableRatio }
            .max { $0.log.cleanableRatio < $1.log.cleanableRatio }?
            .log
    }

    /// Groups consecutive segments (indices into `segments`) so that each group's total size stays
    /// within `maxSize` (`segment.bytes`) and its offsets fit the 32-bit relative offsets of one
    /// segment (`nextOffsets[i]` is the offset after segment i). Kafka also bounds the index sizes;
    /// they follow from the bytes here, as indexes hold one entry per `index.interval.bytes`.
    public static func groupBySize(_ segments: [SegmentSummary], nextOffsets: [Int64], maxSize: Int) -> [[Int]] {
        var groups: [[Int]] = []
        var i = 0
        while i < segments.count {
            var group = [i]
            var size = segments[i].size
            var j = i + 1
            while j < segments.count, size + segments[j].size <= maxSize,
                nextOffsets[j] - 1 - segments[i].baseOffset <= Int64(Int32.max)
            {
                size += segments[j].size
                group.append(j)
                j += 1
            }
            groups.append(group)
            i = j
        }
        return groups
    }
}
