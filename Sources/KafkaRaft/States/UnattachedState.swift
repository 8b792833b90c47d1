/// KIP-595 Unattached: the epoch is known but neither a leader nor a vote. A voter becomes a
/// candidate when its randomized election timeout expires.
public struct UnattachedState: Sendable, Equatable {
    public var epoch: Int32
    public var electionDeadline: Int64
}
