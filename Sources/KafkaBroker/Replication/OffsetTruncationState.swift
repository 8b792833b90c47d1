/// Kafka's `OffsetTruncationState`: where a follower truncates its log, and whether that settles
/// the divergence (false: an intermediate truncation, the next fetch asks again).
public struct OffsetTruncationState: Sendable, Hashable {
    public var offset: Int64
    public var truncationCompleted: Bool

    public init(offset: Int64, truncationCompleted: Bool) {
        self.offset = offset
        self.truncationCompleted = truncationCompleted
    }
}
