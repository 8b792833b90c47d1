/// A committed offset as the coordinator keeps and stores it (Kafka's `OffsetAndMetadata`).
public struct OffsetAndMetadata: Sendable, Hashable {
    /// The next offset the group will consume.
    public var offset: Int64
    /// The leader epoch of the record before `offset` (OffsetCommit v6+), nil when unknown.
    public var leaderEpoch: Int32?
    public var metadata: String
    public var commitTimestampMs: Int64
    /// Set only by OffsetCommit v2–v4 with an explicit retention time (stored as value version 1).
    public var expireTimestampMs: Int64?

    public init(offset: Int64, leaderEpoch: Int32? = nil, metadata: String, commitTimestampMs: Int64, expireTimestampMs: Int64? = nil) {
        self.offset = offset
        self.leaderEpoch = leaderEpoch
        self.metadata = metadata
        self.commitTimestampMs = commitTimestampMs
        self.expireTimestampMs = expireTimestampMs
    }
}
