/// One partition as UpdateMetadata carries it and the broker's metadata cache keeps it (Kafka's
/// `UpdateMetadataPartitionState`, which 2.8's `ZkMetadataCache` stores as received): the controller builds it,
/// the broker's cache holds it, and a KRaft broker derives it from its metadata image.
public struct UpdateMetadataPartitionState: PartitionLeadershipCarrying, Sendable, Hashable {
    public var topicPartition: TopicPartition
    /// A leader of `LeaderAndISR.leaderDuringDelete` tells brokers to drop the partition from their cache.
    public var leadership: LeaderISRAndControllerEpoch
    public var replicas: [BrokerID]
    /// Assigned replicas that are not online.
    public var offlineReplicas: [BrokerID]

    public init(
        topicPartition: TopicPartition, leadership: LeaderISRAndControllerEpoch, replicas: [BrokerID],
        offlineReplicas: [BrokerID] = []
    ) {
        self.topicPartition = topicPartition
        self.leadership = leadership
        self.replicas = replicas
        self.offlineReplicas = offlineReplicas
    }

    /// Whether this state removes the partition from the cache (its topic is being deleted).
    @inlinable public var isBeingDeleted: Bool { leader == LeaderAndISR.leaderDuringDelete }
}
