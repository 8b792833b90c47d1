/// The quorum controller's settings (Kafka 3.3's `KafkaConfig` keys the `QuorumController` reads).
public struct QuorumControllerConfig: Sendable, Hashable {
    /// `broker.heartbeat.interval.ms` (default 2000): how often brokers heartbeat; the controller does not
    /// enforce it, it only tells the broker's lease length apart from it.
    public var brokerHeartbeatIntervalMs: Int64
    /// `broker.session.timeout.ms` (default 9000): a broker whose last heartbeat is older is fenced.
    public var brokerSessionTimeoutMs: Int64
    /// `default.replication.factor` (default 1), used when CreateTopics passes -1.
    public var defaultReplicationFactor: Int16
    /// `num.partitions` (default 1), used when CreateTopics passes -1.
    public var defaultNumPartitions: Int32
    /// `unclean.leader.election.enable` (default false), overridable per topic with a ConfigRecord.
    public var uncleanLeaderElectionEnable: Bool

    public init(
        brokerHeartbeatIntervalMs: Int64 = 2000, brokerSessionTimeoutMs: Int64 = 9000,
        defaultReplicationFactor: Int16 = 1, defaultNumPartitions: Int32 = 1, uncleanLeaderElectionEnable: Bool = false
    ) {
        self.brokerHeartbeatIntervalMs = brokerHeartbeatIntervalMs
        self.brokerSessionTimeoutMs = brokerSessionTimeoutMs
        self.defaultReplicationFactor = defaultReplicationFactor
        self.defaultNumPartitions = defaultNumPartitions
        self.uncleanLeaderElectionEnable = uncleanLeaderElectionEnable
    }
}
