import NIOCore

/// The result of `PartitionLog.read` (Kafka's `FetchDataInfo`): whole batches exactly as stored.
public struct LogReadInfo: Sendable {
    /// Whole batches, as stored (possibly empty).
    public var records: ByteBuffer
    /// Base offset of the first returned batch, nil when nothing was returned.
    public var firstBatchOffset: Int64?

    public init(records: ByteBuffer, firstBatchOffset: Int64?) {
        self.records = records
        self.firstBatchOffset = firstBatchOffset
    }
}
