import KafkaModel
import KafkaProtocol

/// One topic in the controller's state (Kafka 3.3's `ReplicationControlManager.TopicControlInfo`).
public struct TopicControlInfo: Sendable, Hashable {
    public var name: String
    public var id: KafkaUUID
    public var partitions: [Int32: PartitionRegistration]

    public init(name: String, id: KafkaUUID, partitions: [Int32: PartitionRegistration] = [:]) {
        self.name = name
        self.id = id
        self.partitions = partitions
    }
}
