/// The states of a classic consumer group (Kafka 2.8 `GroupState`), with the transitions
/// `GroupMetadata.transitionTo` allows: a transition from any other state is a programming error.
public enum GroupState: String, Sendable, Hashable, CaseIterable {
    /// Members are (re)joining; JoinGroup responses are parked until everyone known has rejoined
    /// or the rebalance timeout passes.
    case preparingRebalance = "PreparingRebalance"
    /// The join phase is over; waiting for the leader's SyncGroup with the assignment.
    case completingRebalance = "CompletingRebalance"
    /// Every member has its assignment; heartbeats keep members alive.
    case stable = "Stable"
    /// No members, only committed offsets (or nothing yet).
    case empty = "Empty"
    /// The group was unloaded (coordinator moved) or deleted; requests get COORDINATOR_NOT_AVAILABLE.
    case dead = "Dead"

    /// The states a group may come from (Kafka's `validPreviousStates`).
    var validPreviousStates: Set<GroupState> {
        switch self {
        case .preparingRebalance: [.stable, .completingRebalance, .empty]
        case .completingRebalance: [.preparingRebalance]
        case .stable: [.completingRebalance]
        case .empty: [.preparingRebalance]
        case .dead: [.stable, .preparingRebalance, .completingRebalance, .empty, .dead]
        }
    }
}
