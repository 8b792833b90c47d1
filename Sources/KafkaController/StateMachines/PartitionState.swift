/// The controller's view of a partition: Kafka's `PartitionState`. Held only in memory
/// (``ControllerContext/partitionStates``).
///
/// | State | Kafka byte | Valid previous states |
/// |---|---|---|
/// | ``new`` | 0 | ``nonExistent`` |
/// | ``online`` | 1 | ``new``, ``online``, ``offline`` |
/// | ``offline`` | 2 | ``new``, ``online``, ``offline`` |
/// | ``nonExistent`` | 3 | ``offline`` |
public enum PartitionState: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `NewPartition`: replicas are assigned, but there is no leader and ISR in ZooKeeper yet.
    case new = 0
    /// `OnlinePartition`: the partition has a live leader.
    case online = 1
    /// `OfflinePartition`: the leader died (or an election failed).
    case offline = 2
    /// `NonExistentPartition`: never created, or deleted.
    case nonExistent = 3

    /// The states a partition may move from into this one (Kafka's `validPreviousStates`).
    public var validPreviousStates: Set<PartitionState> {
        switch self {
        case .new: [.nonExistent]
        case .online: [.new, .online, .offline]
        case .offline: [.new, .online, .offline]
        case .nonExistent: [.offline]
        }
    }

    /// Whether moving from `previous` to this state is allowed.
    /// The same table as ``validPreviousStates`` without building a `Set` per check (one per transition).
    public func isValidTransition(from previous: PartitionState) -> Bool {
        switch self {
        case .new: previous == .nonExistent
        case .online, .offline: previous != .nonExistent
        case .nonExistent: previous == .offline
        }
    }

    /// Kafka's name: `NewPartition`, `OnlinePartition`, `OfflinePartition`, `NonExistentPartition`.
    public var description: String {
        switch self {
        case .new: "NewPartition"
        case .online: "OnlinePartition"
        case .offline: "OfflinePartition"
        case .nonExistent: "NonExistentPartition"
        }
    }
}
