/// The controller's view of one replica (a partition on one broker): Kafka's `ReplicaState`. Held only in
/// memory (``ControllerContext/replicaStates``).
///
/// | State | Kafka byte | Valid previous states |
/// |---|---|---|
/// | ``new`` | 1 | ``nonExistent`` |
/// | ``online`` | 2 | ``new``, ``online``, ``offline``, ``deletionIneligible`` |
/// | ``offline`` | 3 | ``new``, ``online``, ``offline``, ``deletionIneligible`` |
/// | ``deletionStarted`` | 4 | ``offline`` |
/// | ``deletionSuccessful`` | 5 | ``deletionStarted`` |
/// | ``deletionIneligible`` | 6 | ``offline``, ``deletionStarted`` |
/// | ``nonExistent`` | 7 | ``deletionSuccessful`` |
public enum ReplicaState: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `NewReplica`: created during partition creation or reassignment; may only become a follower.
    case new = 1
    /// `OnlineReplica`: started; may be leader or follower.
    case online = 2
    /// `OfflineReplica`: its broker died, or it is being stopped (controlled shutdown, deletion).
    case offline = 3
    /// `ReplicaDeletionStarted`: `StopReplica(deletePartition = true)` was sent.
    case deletionStarted = 4
    /// `ReplicaDeletionSuccessful`: the broker deleted it.
    case deletionSuccessful = 5
    /// `ReplicaDeletionIneligible`: deletion failed or cannot happen now (broker down).
    case deletionIneligible = 6
    /// `NonExistentReplica`: never created, or deleted.
    case nonExistent = 7

    /// The states a replica may move from into this one (Kafka's `validPreviousStates`).
    public var validPreviousStates: Set<ReplicaState> {
        switch self {
        case .new: [.nonExistent]
        case .online, .offline: [.new, .online, .offline, .deletionIneligible]
        case .deletionStarted: [.offline]
        case .deletionSuccessful: [.deletionStarted]
        case .deletionIneligible: [.offline, .deletionStarted]
        case .nonExistent: [.deletionSuccessful]
        }
    }

    /// Whether moving from `previous` to this state is allowed.
    /// The same table as ``validPreviousStates`` without building a `Set` per check (one per transition).
    public func isValidTransition(from previous: ReplicaState) -> Bool {
        switch self {
        case .new: previous == .nonExistent
        case .online, .offline: previous == .new || previous == .online || previous == .offline || previous == .deletionIneligible
        case .deletionStarted: previous == .offline
        case .deletionSuccessful: previous == .deletionStarted
        case .deletionIneligible: previous == .offline || previous == .deletionStarted
        case .nonExistent: previous == .deletionSuccessful
        }
    }

    /// Kafka's name: `NewReplica`, `OnlineReplica`, ..., `NonExistentReplica`.
    public var description: String {
        switch self {
        case .new: "NewReplica"
        case .online: "OnlineReplica"
        case .offline: "OfflineReplica"
        case .deletionStarted: "ReplicaDeletionStarted"
        case .deletionSuccessful: "ReplicaDeletionSuccessful"
        case .deletionIneligible: "ReplicaDeletionIneligible"
        case .nonExistent: "NonExistentReplica"
        }
    }
}
