/// The broker settings the group coordinator follows (Kafka 2.8 `GroupConfig` + `OffsetConfig`).
public struct GroupCoordinatorConfig: Sendable, Equatable {
    /// `group.min.session.timeout.ms`: JoinGroup with a shorter session timeout gets INVALID_SESSION_TIMEOUT.
    public var minSessionTimeoutMs: Int32
    /// `group.max.session.timeout.ms`.
    public var maxSessionTimeoutMs: Int32
    /// `group.initial.rebalance.delay.ms`: how long the first rebalance of an empty group waits
    /// for more members, extended by that much per new member up to the rebalance timeout.
    public var initialRebalanceDelayMs: Int64
    /// `group.max.size`: members beyond it get GROUP_MAX_SIZE_REACHED.
    public var maxSize: Int
    /// `offset.metadata.max.bytes`: longer commit metadata gets OFFSET_METADATA_TOO_LARGE.
    public var offsetMetadataMaxBytes: Int
    /// `offsets.retention.minutes` in milliseconds.
    public var offsetsRetentionMs: Int64

    public init(
        minSessionTimeoutMs: Int32 = 6_000, maxSessionTimeoutMs: Int32 = 1_800_000, initialRebalanceDelayMs: Int64 = 3_000,
        maxSize: Int = Int(Int32.max), offsetMetadataMaxBytes: Int = 4_096, offsetsRetentionMs: Int64 = 7 * 24 * 3_600_000
    ) {
        self.minSessionTimeoutMs = minSessionTimeoutMs
        self.maxSessionTimeoutMs = maxSessionTimeoutMs
        self.initialRebalanceDelayMs = initialRebalanceDelayMs
        self.maxSize = maxSize
        self.offsetMetadataMaxBytes = offsetMetadataMaxBytes
        self.offsetsRetentionMs = offsetsRetentionMs
    }

    /// Kafka's `NewMemberJoinTimeoutMs`: a new member's parked JoinGroup expires after 5 minutes
    /// (it cannot heartbeat before it has a member id, and a disconnect is not seen while parked).
    public static let newMemberJoinTimeoutMs: Int64 = 5 * 60 * 1000
}
