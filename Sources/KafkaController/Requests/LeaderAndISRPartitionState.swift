import KafkaModel

/// One partition of a `LeaderAndIsr` request: the leader, ISR and epochs the broker must apply, and the full
/// assignment (Kafka's `LeaderAndIsrPartitionState`).
public struct LeaderAndISRPartitionState: Sendable, Hashable {
    public var topicPartition: TopicPartition
    /// The epoch of the controller that made this leadership decision (from the state znode).
    public var controllerEpoch: Int32
    public var leader: BrokerID
    public var leaderEpoch: Int32
    public var isr: [BrokerID]
    /// The partition state znode's version (the broker's CAS token for its own ISR updates).
    public var zkVersion: Int32
    public var replicas: [BrokerID]
    public var addingReplicas: [BrokerID]
    public var removingReplicas: [BrokerID]
    /// Whether the replica is being created (partition creation, reassignment): sticky within a batch.
    public var isNew: Bool

    public init(
        topicPartition: TopicPartition, leaderISRAndControllerEpoch: LeaderISRAndControllerEpoch,
        assignment: ReplicaAssignment, isNew: Bool
    ) {
        self.topicPartition = topicPartition
        self.controllerEpoch = leaderISRAndControllerEpoch.controllerEpoch
        self.leader = leaderISRAndControllerEpoch.leaderAndISR.leader
        self.leaderEpoch = leaderISRAndControllerEpoch.leaderAndISR.leaderEpoch
        self.isr = leaderISRAndControllerEpoch.leaderAndISR.isr
        self.zkVersion = leaderISRAndControllerEpoch.leaderAndISR.zkVersion
        self.replicas = assignment.replicas
        self.addingReplicas = assignment.addingReplicas
        self.removingReplicas = assignment.removingReplicas
        self.isNew = isNew
    }
}
