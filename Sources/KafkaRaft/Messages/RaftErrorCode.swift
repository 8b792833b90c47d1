/// The Kafka error codes the Raft RPCs carry (a subset of `org.apache.kafka.common.protocol.Errors`).
public struct RaftErrorCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    public static let none = RaftErrorCode(rawValue: 0)
    public static let notLeaderOrFollower = RaftErrorCode(rawValue: 6)
    public static let fencedLeaderEpoch = RaftErrorCode(rawValue: 74)
    public static let unknownLeaderEpoch = RaftErrorCode(rawValue: 75)
    public static let inconsistentVoterSet = RaftErrorCode(rawValue: 94)
    public static let snapshotNotFound = RaftErrorCode(rawValue: 98)
    public static let positionOutOfRange = RaftErrorCode(rawValue: 99)

    public var description: String {
        switch self {
        case .none: "NONE"
        case .notLeaderOrFollower: "NOT_LEADER_OR_FOLLOWER"
        case .fencedLeaderEpoch: "FENCED_LEADER_EPOCH"
        case .unknownLeaderEpoch: "UNKNOWN_LEADER_EPOCH"
        case .inconsistentVoterSet: "INCONSISTENT_VOTER_SET"
        case .snapshotNotFound: "SNAPSHOT_NOT_FOUND"
        case .positionOutOfRange: "POSITION_OUT_OF_RANGE"
        default: "ERROR(\(rawValue))"
        }
    }
}
