/// The topic-level log settings a `PartitionLog` obeys (Kafka 2.8's `kafka.log.LogConfig`), with the
/// broker defaults of `log.segment.bytes`, `log.roll.ms`, `log.retention.ms`, … .
public struct LogConfig: Sendable, Hashable {
    /// `log.segment.bytes` (`segment.bytes`): roll when the active segment would exceed this. Default 1 GiB.
    public var segmentBytes: Int
    /// `log.roll.ms` (`segment.ms`): roll when the active segment is older than this. Default 7 days.
    public var segmentMs: Int64
    /// `log.retention.ms` (`retention.ms`): delete segments older than this; -1 = unlimited. Default 7 days.
    public var retentionMs: Int64
    /// `log.retention.bytes` (`retention.bytes`): delete old segments while the log is larger; -1 = unlimited.
    public var retentionBytes: Int64
    /// `log.flush.interval.messages` (`flush.messages`): fsync after this many unflushed messages.
    public var flushIntervalMessages: Int64
    /// `log.flush.interval.ms` (`flush.ms`): fsync when the last flush is older than this.
    public var flushIntervalMs: Int64
    /// `log.index.interval.bytes` (`index.interval.bytes`): bytes appended between two index entries.
    public var indexIntervalBytes: Int
    /// `log.index.size.max.bytes` (`segment.index.bytes`): the largest offset index; a full index rolls the segment.
    public var maxIndexSize: Int
    /// `log.segment.delete.delay.ms` (`file.delete.delay.ms`): how long renamed `.deleted` files linger.
    public var fileDeleteDelayMs: Int64
    /// `cleanup.policy` contains `compact` (`log.cleanup.policy`): the log cleaner compacts the log.
    public var compact: Bool
    /// `min.cleanable.dirty.ratio` (`log.cleaner.min.cleanable.ratio`, 0.5).
    public var minCleanableDirtyRatio: Double
    /// `delete.retention.ms` (`log.cleaner.delete.retention.ms`, 1 day): how long tombstones stay after
    /// the segment holding them was cleaned.
    public var deleteRetentionMs: Int64
    /// `min.compaction.lag.ms` (`log.cleaner.min.compaction.lag.ms`, 0).
    public var minCompactionLagMs: Int64

    public static let defaultSegmentBytes = 1 << 30
    public static let sevenDaysMs: Int64 = 7 * 24 * 60 * 60 * 1000

    public init(
        segmentBytes: Int = LogConfig.defaultSegmentBytes,
        segmentMs: Int64 = LogConfig.sevenDaysMs,
        retentionMs: Int64 = LogConfig.sevenDaysMs,
        retentionBytes: Int64 = -1,
        flushIntervalMessages: Int64 = Int64.max,
        flushIntervalMs: Int64 = Int64.max,
        indexIntervalBytes: Int = 4096,
        maxIndexSize: Int = 10 * 1024 * 1024,
        fileDeleteDelayMs: Int64 = 60_000,
        compact: Bool = false,
        minCleanableDirtyRatio: Double = 0.5,
        deleteRetentionMs: Int64 = 86_400_000,
        minCompactionLagMs: Int64 = 0
    ) {
        self.segmentBytes = segmentBytes
        self.segmentMs = segmentMs
        self.retentionMs = retentionMs
        self.retentionBytes = retentionBytes
        self.flushIntervalMessages = flushIntervalMessages
        self.flushIntervalMs = flushIntervalMs
        self.indexIntervalBytes = indexIntervalBytes
        self.maxIndexSize = maxIndexSize
        self.fileDeleteDelayMs = fileDeleteDelayMs
        self.compact = compact
        self.minCleanableDirtyRatio = minCleanableDirtyRatio
        self.deleteRetentionMs = deleteRetentionMs
        self.minCompactionLagMs = minCompactionLagMs
    }
}
