import KafkaModel
import KafkaProtocol

/// One partition's AlterPartition result: the state after the change, or an error.
public struct AlterPartitionOutcome: Sendable, Hashable {
    public var topicPartition: TopicPartition
    public var errorCode: KafkaErrorCode
    public var leader: BrokerID
    public var leaderEpoch: Int32
    public var isr: [BrokerID]
    public var partitionEpoch: Int32
}
