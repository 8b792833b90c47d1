/// A partition of a topic: Kafka's `TopicPartition`, printed `topic-partition` as Kafka logs it.
public struct TopicPartition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)-\(partition)" }

    public static func < (lhs: TopicPartition, rhs: TopicPartition) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }
}

/// A replica of a partition on one broker: Kafka's `PartitionAndReplica`.
public struct PartitionReplica: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var topicPartition: TopicPartition
    public var replica: BrokerID

    public init(topicPartition: TopicPartition, replica: BrokerID) {
        self.topicPartition = topicPartition
        self.replica = replica
    }

    public var description: String { "[Topic=\(topicPartition.topic),Partition=\(topicPartition.partition),Replica=\(replica)]" }

    public static func < (lhs: PartitionReplica, rhs: PartitionReplica) -> Bool {
        (lhs.topicPartition, lhs.replica) < (rhs.topicPartition, rhs.replica)
    }
}

/// A broker id (`broker.id`).
public typealias BrokerID = Int32
