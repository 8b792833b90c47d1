import KafkaModel

/// The leadership a replica fetcher fetched under: this broker following `leader` at `leaderEpoch`.
public struct FollowerFence: Sendable, Hashable {
    public var leader: BrokerID
    public var leaderEpoch: Int32

    public init(leader: BrokerID, leaderEpoch: Int32) {
        self.leader = leader
        self.leaderEpoch = leaderEpoch
    }
}
