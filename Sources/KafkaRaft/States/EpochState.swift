/// The six KIP-595 states of a quorum member (Kafka's `EpochState` implementations held by
/// `QuorumState`). Every state is tied to one epoch.
public enum EpochState: Sendable, Equatable {
    case unattached(UnattachedState)
    case voted(VotedState)
    case candidate(CandidateState)
    case leader(LeaderState)
    case follower(FollowerState)
    case resigned(ResignedState)

    public var epoch: Int32 {
        switch self {
        case .unattached(let s): s.epoch
        case .voted(let s): s.epoch
        case .candidate(let s): s.epoch
        case .leader(let s): s.epoch
        case .follower(let s): s.epoch
        case .resigned(let s): s.epoch
        }
    }

    /// The leader of this epoch as far as this member knows.
    public func leaderId(localId: Int32) -> Int32? {
        switch self {
        case .leader, .resigned: localId
        case .follower(let s): s.leaderId
        case .unattached, .voted, .candidate: nil
        }
    }

    public var name: String {
        switch self {
        case .unattached: "Unattached"
        case .voted: "Voted"
        case .candidate: "Candidate"
        case .leader: "Leader"
        case .follower: "Follower"
        case .resigned: "Resigned"
        }
    }

    public var isLeader: Bool {
        if case .leader = self { return true }
        return false
    }
}
