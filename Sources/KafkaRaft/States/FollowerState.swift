/// KIP-595 Follower: knows the leader of `epoch` and pulls from it with Fetch. No successful Fetch
/// for `controller.quorum.fetch.timeout.ms` makes a voter a candidate.
public struct FollowerState: Sendable, Equatable {
    public var epoch: Int32
    public var leaderId: Int32
    public var fetchDeadline: Int64
    /// The leader's high watermark as last reported (nil until a Fetch returns one).
    public var leaderHighWatermark: Int64?
    /// Set when the leader answered with a `snapshotId`: FetchSnapshot replaces Fetch until installed.
    public var fetchingSnapshot: OffsetAndEpoch?
    /// The chunks of `fetchingSnapshot` received so far; the next FetchSnapshot asks from its end.
    public var snapshotBytes: [UInt8] = []
    /// After a failed Fetch, the next one waits until this time (`retry.backoff.ms`).
    public var retryAt: Int64?
}
