import KafkaModel
import KafkaProtocol

/// One topic's CreateTopics result.
public struct CreateTopicOutcome: Sendable, Hashable {
    public var name: String
    public var errorCode: KafkaErrorCode
    public var errorMessage: String?
    public var topicID: KafkaUUID
    public var numPartitions: Int32
    public var replicationFactor: Int16
}
