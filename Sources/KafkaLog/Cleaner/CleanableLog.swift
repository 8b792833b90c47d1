import KafkaModel

/// Kafka's `LogToClean`: one compacted log's clean and dirty sections.
public struct CleanableLog: Sendable, Hashable {
    public var topicPartition: TopicPartition
    /// Where cleaning starts building the offset map (Kafka's `firstDirtyOffset`).
    public var firstDirtyOffset: Int64
    /// Where cleaning stops: the base offset of the segment holding the first uncleanable offset.
    public var firstUncleanableOffset: Int64
    /// Bytes of the segments already cleaned (Kafka's `cleanBytes`).
    public var cleanBytes: Int64
    /// Bytes of the dirty, cleanable segments (Kafka's `cleanableBytes`).
    public var cleanableBytes: Int64

    /// Kafka's `cleanableRatio`: dirty bytes over the total.
    public var cleanableRatio: Double {
        let total = cleanBytes + cleanableBytes
        return total == 0 ? 0 : Double(cleanableBytes) / Double(total)
    }

    /// Kafka's `LogCleanerManager.cleanableOffsets` + `calculateCleanableBytes`.
    /// `segments` are in offset order, the last being the active one (never cleaned).
    /// The first uncleanable offset is the smallest of the active segment's base offset, the high
    /// watermark (Kafka: the last stable offset) and, with `min.compaction.lag.ms` > 0, the base of the
    /// first dirty segment holding a record younger than the lag; it is then rounded down to the start
    /// of its segment.
    public static func compute(
        topicPartition: TopicPartition, segments: [SegmentSummary], logStartOffset: Int64, logEndOffset: Int64,
        highWatermark: Int64, checkpointedDirtyOffset: Int64?, minCompactionLagMs: Int64, nowMs: Int64
    ) -> CleanableLog? {
        guard let active = segments.last else { return nil }
        var firstDirty = checkpointedDirtyOffset ?? logStartOffset
        // Kafka resets a checkpoint below the log start, or past the log end, to the log start.
        if firstDirty < logStartOffset || firstDirty > logEndOffset { firstDirty = logStartOffset }
        var uncleanable = min(active.baseOffset, highWatermark)
        if minCompactionLagMs > 0 {
            let dirty = segments.dropLast().filter { $0.baseOffset >= floorBase(segments, firstDirty) }
            if let young = dirty.first(where: { $0.largestTimestamp > nowMs - minCompactionLagMs }) {
                uncleanable = min(uncleanable, young.baseOffset)
            }
        }
        let uncleanableBase = floorBase(segments, uncleanable)
        let cleanBytes = bytes(segments, from: logStartOffset, to: firstDirty)
        let cleanableBytes = bytes(segments, from: min(firstDirty, uncleanableBase), to: uncleanableBase)
        return CleanableLog(
            topicPartition: topicPartition, firstDirtyOffset: firstDirty, firstUncleanableOffset: uncleanableBase,
            cleanBytes: cleanBytes, cleanableBytes: cleanableBytes)
    }

    /// Base offset of the segment holding `offset` (the first segment's when below all).
    static func floorBase(_ segments: [SegmentSummary], _ offset: Int64) -> Int64 {
        segments.last(where: { $0.baseOffset <= offset })?.baseOffset ?? segments.first?.baseOffset ?? offset
    }

    /// Kafka's `logSegments(from, to)` summed: segments overlapping [from, to).
    static func bytes(_ segments: [SegmentSummary], from: Int64, to: Int64) -> Int64 {
        guard from < to else { return 0 }
        let floor = floorBase(segments, from)
        return segments.filter { $0.baseOffset >= floor && $0.baseOffset < to }.reduce(0) { $0 + Int64($1.size) }
    }
}
