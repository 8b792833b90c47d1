import KafkaModel

/// One partition of a `LeaderAndIsr` request: the leadership the broker must apply (leader, ISR, epochs, the state
/// znode's version as its CAS token for its own ISR updates) and the full assignment (Kafka's
/// `LeaderAndIsrPartitionState`).
public struct LeaderAndISRPartitionState: PartitionLeadershipCarrying, Sendable, Hashable {
    public var topicPartition: TopicPartition
    /// As the state znode holds it; its controller epoch is that of the controller that made the decision.
    public var leadership: LeaderISRAndControllerEpoch
    public var replicas: [BrokerID]
    public var addingReplicas: [BrokerID]
    public var removingReplicas: [BrokerID]
    /// Whether the replica is being created (partition creation, reassignment): sticky within a batch.
    public var isNew: Bool

    public init(
        topicPartition: TopicPartition, leadership: LeaderISRAndControllerEpoch, assignment: ReplicaAssignment,
        isNew: Bool
    ) {
        self.topicPartition = topicPartition
        self.leadership = leadership
        self.replicas = assignment.replicas
        self.addingReplicas = assignment.addingReplicas
        self.removingReplicas = assignment.removingReplicas
        self.isNew = isNew
    }
}
