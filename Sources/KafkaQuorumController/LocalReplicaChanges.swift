import KafkaModel

/// One broker's replica changes from a delta (Kafka's `LocalReplicaChanges`).
public struct LocalReplicaChanges: Sendable, Hashable {
    /// Partitions this broker now leads, with their state (LeaderAndIsr "become leader").
    public var leaders: [TopicPartition: PartitionRegistration] = [:]
    /// Partitions this broker follows, with their state (LeaderAndIsr "become follower").
    public var followers: [TopicPartition: PartitionRegistration] = [:]
    /// Replicas this broker must delete (StopReplica with delete).
    public var deletes: [TopicPartition] = []

    public init() {}
}
