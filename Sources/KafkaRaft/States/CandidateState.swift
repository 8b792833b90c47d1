/// KIP-595 Candidate: voted for itself in `epoch` and collects votes. When the election times out
/// or a majority rejects, it backs off (binary exponential, `retries` so far) before standing again
/// in the next epoch.
public struct CandidateState: Sendable, Equatable {
    public var epoch: Int32
    public var retries: Int
    public var granted: Set<Int32>
    public var rejected: Set<Int32>
    public var electionDeadline: Int64
    /// Set once the election is lost or timed out: the next candidacy starts at this time.
    public var backoffDeadline: Int64?

    func hasMajority(of voters: [Int32]) -> Bool { granted.count * 2 > voters.count }
    func isRejected(by voters: [Int32]) -> Bool { (voters.count - rejected.count) * 2 <= voters.count }
}
