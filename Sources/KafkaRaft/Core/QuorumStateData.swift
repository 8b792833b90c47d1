/// What a quorum member persists before acting on an election (Kafka's `QuorumStateData`, the
/// `quorum-state` file of `FileBasedStateStore`): the epoch, the leader if known, the vote cast in
/// that epoch, and the voter set. `-1` is "none" on disk; here it is `nil`.
public struct QuorumStateData: Sendable, Equatable {
    public var leaderEpoch: Int32
    public var leaderId: Int32?
    public var votedId: Int32?
    public var currentVoters: [Int32]
    /// `appliedOffset`: written as 0 by Kafka 3.3, kept for the file format.
    public var appliedOffset: Int64 = 0
    public var clusterId: String = ""

    public init(leaderEpoch: Int32, leaderId: Int32?, votedId: Int32?, currentVoters: [Int32]) {
        self.leaderEpoch = leaderEpoch
        self.leaderId = leaderId
        self.votedId = votedId
        self.currentVoters = currentVoters
    }
}
