/// What an append wrote (Kafka's `LogAppendInfo`, reduced to the fields the broker uses).
public struct LogAppendInfo: Sendable, Hashable {
    public var firstOffset: Int64
    public var lastOffset: Int64
    public var maxTimestamp: Int64
    public var recordCount: Int
    public var validBytes: Int

    public init(firstOffset: Int64, lastOffset: Int64, maxTimestamp: Int64, recordCount: Int, validBytes: Int) {
        self.firstOffset = firstOffset
        self.lastOffset = lastOffset
        self.maxTimestamp = maxTimestamp
        self.recordCount = recordCount
        self.validBytes = validBytes
    }
}
