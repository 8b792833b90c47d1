/// Kafka's `CleanerStats` for one pass: bytes read and written and the time it took.
public struct CleanerStats: Sendable, Hashable {
    /// The offset the next pass starts from (Kafka's `endOffset`, written to `cleaner-offset-checkpoint`).
    public var endOffset: Int64
    public var bytesRead: Int64 = 0
    public var bytesWritten: Int64 = 0
    public var recordsRead: Int64 = 0
    public var recordsWritten: Int64 = 0
    public var mapRecords: Int64 = 0
    public var elapsedMs: Int64 = 0

    public init(endOffset: Int64) { self.endOffset = endOffset }

    /// Kafka's `cleaner-recopy-percent`: bytes written over bytes read, in percent.
    public var recopyPercent: Double { bytesRead == 0 ? 0 : 100 * Double(bytesWritten) / Double(bytesRead) }
}
