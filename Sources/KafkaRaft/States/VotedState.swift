/// KIP-595 Voted: this voter granted its (one) vote of `epoch` to `votedId` and waits for that
/// candidate's BeginQuorumEpoch; after the election timeout it stands itself.
public struct VotedState: Sendable, Equatable {
    public var epoch: Int32
    public var votedId: Int32
    public var electionDeadline: Int64
}
