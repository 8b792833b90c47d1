import KafkaModel

/// One partition of an `UpdateMetadata` request (Kafka's `UpdateMetadataPartitionState`).
public struct UpdateMetadataPartitionState: Sendable, Hashable {
    /// Leader sent for partitions of topics being deleted: tells brokers to drop the partition from their
    /// metadata cache (Kafka's `LeaderAndIsr.LeaderDuringDelete`).
    public static let leaderDuringDelete: BrokerID = -2

    public var topicPartition: TopicPartition
    public var controllerEpoch: Int32
    public var leader: BrokerID
    public var leaderEpoch: Int32
    public var isr: [BrokerID]
    public var zkVersion: Int32
    public var replicas: [BrokerID]
    /// Assigned replicas that are not online.
    public var offlineReplicas: [BrokerID]

    public init(
        topicPartition: TopicPartition, controllerEpoch: Int32, leader: BrokerID, leaderEpoch: Int32,
        isr: [BrokerID], zkVersion: Int32, replicas: [BrokerID], offlineReplicas: [BrokerID]
    ) {
        self.topicPartition = topicPartition
        self.controllerEpoch = controllerEpoch
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.isr = isr
        self.zkVersion = zkVersion
        self.replicas = replicas
        self.offlineReplicas = offlineReplicas
    }
}
