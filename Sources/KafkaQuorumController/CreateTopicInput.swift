import KafkaModel
import KafkaProtocol

/// One topic of a CreateTopics request. Randomness is an input: `topicID` and the placement's start index
/// and replica shift come from the caller (Kafka draws them at random).
public struct CreateTopicInput: Sendable, Hashable {
    public var name: String
    public var topicID: KafkaUUID
    /// -1: `num.partitions`.
    public var numPartitions: Int32
    /// -1: `default.replication.factor`.
    public var replicationFactor: Int16
    /// Manual assignment (partition id → replicas); when set, numPartitions and replicationFactor must be -1.
    public var assignments: [Int32: [BrokerID]]?
    public var configs: [String: String]
    public var placementStartIndex: Int
    public var placementReplicaShift: Int

    public init(
        name: String, topicID: KafkaUUID, numPartitions: Int32 = -1, replicationFactor: Int16 = -1,
        assignments: [Int32: [BrokerID]]? = nil, configs: [String: String] = [:], placementStartIndex: Int = 0,
        placementReplicaShift: Int = 0
    ) {
        self.name = name
        self.topicID = topicID
        self.numPartitions = numPartitions
        self.replicationFactor = replicationFactor
        self.assignments = assignments
        self.configs = configs
        self.placementStartIndex = placementStartIndex
        self.placementReplicaShift = placementReplicaShift
    }
}
