/// How an ``PartitionState/online`` transition of an already-initialised partition picks its leader
/// (Kafka's `PartitionLeaderElectionStrategy`).
public enum PartitionLeaderElectionStrategy: Sendable, Hashable, CustomStringConvertible {
    /// After a leader died (broker failure/startup, failover, unclean-enable events, `ElectLeaders` UNCLEAN).
    /// `allowUnclean` forces unclean election; otherwise the topic's `unclean.leader.election.enable`
    /// decides, for partitions without a live ISR member.
    case offline(allowUnclean: Bool)
    /// A reassignment completes and the current leader is not in the target replicas (or is dead).
    case reassign
    /// Move leadership back to the first replica (`ElectLeaders` PREFERRED, znode, auto-rebalance).
    case preferredReplica
    /// Move leadership away from brokers in controlled shutdown.
    case controlledShutdown

    public var description: String {
        switch self {
        case .offline(let allowUnclean): "OfflinePartitionLeaderElectionStrategy(\(allowUnclean))"
        case .reassign: "ReassignPartitionLeaderElectionStrategy"
        case .preferredReplica: "PreferredReplicaPartitionLeaderElectionStrategy"
        case .controlledShutdown: "ControlledShutdownPartitionLeaderElectionStrategy"
        }
    }
}
