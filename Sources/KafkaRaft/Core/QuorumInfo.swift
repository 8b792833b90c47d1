/// What the leader knows of the quorum (the body of a DescribeQuorum response, KIP-595; Kafka's
/// `LeaderState.describeQuorum`): every voter's and observer's fetched offset and when it last
/// fetched and was last caught up (milliseconds, -1 when never).
public struct QuorumInfo: Sendable, Equatable {
    public struct ReplicaState: Sendable, Equatable {
        public var replicaId: Int32
        public var logEndOffset: Int64
        public var lastFetchTimestamp: Int64
        public var lastCaughtUpTimestamp: Int64

        public init(replicaId: Int32, logEndOffset: Int64, lastFetchTimestamp: Int64, lastCaughtUpTimestamp: Int64) {
            self.replicaId = replicaId
            self.logEndOffset = logEndOffset
            self.lastFetchTimestamp = lastFetchTimestamp
            self.lastCaughtUpTimestamp = lastCaughtUpTimestamp
        }
    }

    public var leaderId: Int32
    public var leaderEpoch: Int32
    public var highWatermark: Int64
    public var voters: [ReplicaState]
    public var observers: [ReplicaState]

    public init(leaderId: Int32, leaderEpoch: Int32, highWatermark: Int64, voters: [ReplicaState], observers: [ReplicaState]) {
        self.leaderId = leaderId
        self.leaderEpoch = leaderEpoch
        self.highWatermark = highWatermark
        self.voters = voters
        self.observers = observers
    }
}
