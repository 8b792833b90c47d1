/// Which kind of leader election an `ElectLeaders` request (or the legacy znode) asks for: Kafka's
/// `ElectionType`.
public enum ElectionType: Int8, Sendable, Hashable, CustomStringConvertible {
    /// Move leadership back to the first replica of the assignment (if it is live and in the ISR).
    case preferred = 0
    /// Elect a leader for leaderless partitions, from outside the ISR if need be.
    case unclean = 1

    public var description: String { self == .preferred ? "PREFERRED" : "UNCLEAN" }
}

/// Who asked for a leader election: Kafka's `ElectionTrigger`.
public enum ElectionTrigger: String, Sendable, Hashable, CustomStringConvertible {
    /// The `/admin/preferred_replica_election` znode was created.
    case zkTriggered = "ZkTriggered"
    /// An `ElectLeaders` request from an admin client.
    case adminClientTriggered = "AdminClientTriggered"
    /// The controller's own auto-rebalance task.
    case autoTriggered = "AutoTriggered"

    public var description: String { rawValue }
}
