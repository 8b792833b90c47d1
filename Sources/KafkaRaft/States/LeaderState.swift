/// KIP-595 Leader of `epoch` (Kafka's `LeaderState`): tracks each voter's fetched offset to derive
/// the high watermark, which voters have acknowledged BeginQuorumEpoch, the Fetches parked until
/// data arrives, and the check-quorum window.
public struct LeaderState: Sendable, Equatable {
    /// A Fetch with nothing new to return, answered on the next append or HW change, or at `deadline`.
    public struct ParkedFetch: Sendable, Equatable {
        public var source: Int32
        public var correlationId: Int32
        public var fetchOffset: Int64
        public var deadline: Int64
    }

    public var epoch: Int32
    /// The log end offset when leadership began: the LeaderChange record sits here, and the high
    /// watermark may only move once an offset above it is replicated to a majority.
    public var epochStartOffset: Int64
    /// Per voter: the offset up to which it is known to hold the leader's log (a follower's
    /// `fetchOffset`; the leader's own flushed offset).
    public var voterEndOffsets: [Int32: Int64] = [:]
    public var beginQuorumAcked: Set<Int32> = []
    /// Per fetching replica (voters and observers): when it last fetched, and when its fetch
    /// offset last reached the leader's log end (DescribeQuorum's timestamps).
    public var lastFetchTimestamps: [Int32: Int64] = [:]
    public var lastCaughtUpTimestamps: [Int32: Int64] = [:]
    /// Observers' fetched offsets (they do not count towards the high watermark).
    public var observerEndOffsets: [Int32: Int64] = [:]
    public var highWatermark: Int64?
    public var parkedFetches: [Int32: ParkedFetch] = [:]
    /// Voters heard from (Fetch or FetchSnapshot) since the check-quorum window started.
    public var fetchedInWindow: Set<Int32> = []
    public var checkQuorumDeadline: Int64

    /// `LeaderState.maybeUpdateHighWatermark`: the offset a majority holds, if it is above the epoch
    /// start and the current HW. Returns the new HW when it moved.
    mutating func maybeUpdateHighWatermark(voters: [Int32]) -> Int64? {
        let offsets = voters.map { voterEndOffsets[$0] ?? -1 }.sorted(by: >)
        let majorityOffset = offsets[voters.count / 2]
        guard majorityOffset > epochStartOffset else { return nil }
        if let current = highWatermark, majorityOffset <= current { return nil }
        highWatermark = majorityOffset
        return majorityOffset
    }

    /// Voters other than `localId`, most caught up first (the preferred successors of a resignation).
    func followersByDescendingEndOffset(voters: [Int32], localId: Int32) -> [Int32] {
        voters.filter { $0 != localId }.sorted {
            let (a, b) = (voterEndOffsets[$0] ?? -1, voterEndOffsets[$1] ?? -1)
            return a != b ? a > b : $0 < $1
        }
    }
}
