/// KIP-595 Resigned: a leader that stepped down (gracefully, by check-quorum, or because it
/// restarted as leader). It keeps its epoch, cannot vote in it, tells the other voters with
/// EndQuorumEpoch until they acknowledge, and stands again after an election timeout.
public struct ResignedState: Sendable, Equatable {
    public var epoch: Int32
    public var preferredSuccessors: [Int32]
    public var unackedVoters: Set<Int32>
    public var electionDeadline: Int64
}
