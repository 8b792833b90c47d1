import KafkaModel

/// One partition of a `StopReplica` request (Kafka's `StopReplicaPartitionState`).
public struct StopReplicaPartitionState: Sendable, Hashable {
    /// Leader epoch sent for partitions of topics queued for deletion (Kafka's `EpochDuringDelete`).
    public static let epochDuringDelete: Int32 = -2
    /// Leader epoch sent when the controller knows none (Kafka's `NoEpoch`).
    public static let noEpoch: Int32 = -1

    public var topicPartition: TopicPartition
    public var leaderEpoch: Int32
    /// Whether the broker must also delete the partition's data: sticky within a batch.
    public var deletePartition: Bool

    public init(topicPartition: TopicPartition, leaderEpoch: Int32, deletePartition: Bool) {
        self.topicPartition = topicPartition
        self.leaderEpoch = leaderEpoch
        self.deletePartition = deletePartition
    }
}
