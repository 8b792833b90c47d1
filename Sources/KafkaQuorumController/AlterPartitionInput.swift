import KafkaModel
import KafkaProtocol

/// One partition of an AlterPartition request (sent by the partition's leader).
public struct AlterPartitionInput: Sendable, Hashable {
    public var topicPartition: TopicPartition
    public var leaderEpoch: Int32
    public var newISR: [BrokerID]
    public var partitionEpoch: Int32

    public init(topicPartition: TopicPartition, leaderEpoch: Int32, newISR: [BrokerID], partitionEpoch: Int32) {
        self.topicPartition = topicPartition
        self.leaderEpoch = leaderEpoch
        self.newISR = newISR
        self.partitionEpoch = partitionEpoch
    }
}
