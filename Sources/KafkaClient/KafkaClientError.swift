import KafkaProtocol

/// What the producer, consumer and metadata client report. Every case names the broker, topic or
/// partition concerned, so the console tools can print it as is.
public enum KafkaClientError: Error, Sendable, CustomStringConvertible, Equatable {
    case invalidBootstrap(String)
    /// No bootstrap server accepted a connection or answered Metadata.
    case noBrokerReachable(String)
    case unknownTopic(String)
    case unknownPartition(topic: String, partition: Int32, partitionCount: Int)
    /// The cluster knows no live leader for the partition (after the retries allowed).
    case leaderNotAvailable(topic: String, partition: Int32)
    case brokerUnknown(Int32)
    case connectionFailed(broker: String, reason: String)
    case requestTimedOut(broker: String, api: String, timeoutMs: Int)
    /// A broker's error code for one partition (after the retries allowed, if it is retriable).
    case partitionError(topic: String, partition: Int32, code: Int16, message: String?)
    case recordTooLarge(size: Int, limit: Int)
    case offsetOutOfRange(topic: String, partition: Int32, offset: Int64)
    case closed
    case invalidConfig(String)
    case protocolError(String)
    /// The group coordinator refused a group request (after the retries allowed).
    case groupError(group: String, api: String, code: Int16)

    public var description: String {
        switch self {
        case .invalidBootstrap(let message): message
        case .noBrokerReachable(let message): message
        case .unknownTopic(let topic): "Topic '\(topic)' does not exist (UNKNOWN_TOPIC_OR_PARTITION)"
        case .unknownPartition(let topic, let partition, let count):
            "Partition \(partition) of topic '\(topic)' does not exist (the topic has \(count) partitions)"
        case .leaderNotAvailable(let topic, let partition):
            "No leader is available for \(topic)-\(partition) (LEADER_NOT_AVAILABLE)"
        case .brokerUnknown(let id): "Broker \(id) is not in the cluster metadata"
        case .connectionFailed(let broker, let reason): "Connection to broker \(broker) failed: \(reason)"
        case .requestTimedOut(let broker, let api, let timeoutMs):
            "\(api) request to broker \(broker) got no response within \(timeoutMs) ms"
        case .partitionError(let topic, let partition, let code, let message):
            "\(topic)-\(partition): \(KafkaErrorCode(rawValue: code).kafkaName) (error code \(code))"
                + (message.map { $0.isEmpty ? "" : ": \($0)" } ?? "")
        case .recordTooLarge(let size, let limit):
            "The record is \(size) bytes, larger than max.request.size (\(limit) bytes) (RECORD_TOO_LARGE)"
        case .offsetOutOfRange(let topic, let partition, let offset):
            "Offset \(offset) is out of range for \(topic)-\(partition) and auto.offset.reset is none (OFFSET_OUT_OF_RANGE)"
        case .closed: "The client is closed"
        case .invalidConfig(let message): message
        case .protocolError(let message): message
        case .groupError(let group, let api, let code):
            "\(api) of group '\(group)' failed: \(KafkaErrorCode(rawValue: code).kafkaName)"
        }
    }
}

extension KafkaErrorCode {
    /// Kafka's `Errors` constant name, as Kafka's clients print it.
    public var kafkaName: String {
        switch self {
        case .none: "NONE"
        case .unknownServerError: "UNKNOWN_SERVER_ERROR"
        case .offsetOutOfRange: "OFFSET_OUT_OF_RANGE"
        case .corruptMessage: "CORRUPT_MESSAGE"
        case .unknownTopicOrPartition: "UNKNOWN_TOPIC_OR_PARTITION"
        case .invalidFetchSize: "INVALID_FETCH_SIZE"
        case .leaderNotAvailable: "LEADER_NOT_AVAILABLE"
        case .notLeaderOrFollower: "NOT_LEADER_OR_FOLLOWER"
        case .requestTimedOut: "REQUEST_TIMED_OUT"
        case .brokerNotAvailable: "BROKER_NOT_AVAILABLE"
        case .replicaNotAvailable: "REPLICA_NOT_AVAILABLE"
        case .messageTooLarge: "MESSAGE_TOO_LARGE"
        case .networkException: "NETWORK_EXCEPTION"
        case .invalidTopicException: "INVALID_TOPIC_EXCEPTION"
        case .recordListTooLarge: "RECORD_LIST_TOO_LARGE"
        case .notEnoughReplicas: "NOT_ENOUGH_REPLICAS"
        case .notEnoughReplicasAfterAppend: "NOT_ENOUGH_REPLICAS_AFTER_APPEND"
        case .invalidRequiredAcks: "INVALID_REQUIRED_ACKS"
        case .topicAuthorizationFailed: "TOPIC_AUTHORIZATION_FAILED"
        case .invalidTimestamp: "INVALID_TIMESTAMP"
        case .unsupportedVersion: "UNSUPPORTED_VERSION"
        case .invalidRequest: "INVALID_REQUEST"
        case .kafkaStorageError: "KAFKA_STORAGE_ERROR"
        case .fencedLeaderEpoch: "FENCED_LEADER_EPOCH"
        case .unknownLeaderEpoch: "UNKNOWN_LEADER_EPOCH"
        case .unsupportedCompressionType: "UNSUPPORTED_COMPRESSION_TYPE"
        case .offsetNotAvailable: "OFFSET_NOT_AVAILABLE"
        case .invalidRecord: "INVALID_RECORD"
        case .offsetMetadataTooLarge: "OFFSET_METADATA_TOO_LARGE"
        case .coordinatorLoadInProgress: "COORDINATOR_LOAD_IN_PROGRESS"
        case .coordinatorNotAvailable: "COORDINATOR_NOT_AVAILABLE"
        case .notCoordinator: "NOT_COORDINATOR"
        case .illegalGeneration: "ILLEGAL_GENERATION"
        case .inconsistentGroupProtocol: "INCONSISTENT_GROUP_PROTOCOL"
        case .invalidGroupID: "INVALID_GROUP_ID"
        case .unknownMemberID: "UNKNOWN_MEMBER_ID"
        case .invalidSessionTimeout: "INVALID_SESSION_TIMEOUT"
        case .rebalanceInProgress: "REBALANCE_IN_PROGRESS"
        case .memberIDRequired: "MEMBER_ID_REQUIRED"
        case .groupMaxSizeReached: "GROUP_MAX_SIZE_REACHED"
        case .fencedInstanceID: "FENCED_INSTANCE_ID"
        case .groupIDNotFound: "GROUP_ID_NOT_FOUND"
        case .nonEmptyGroup: "NON_EMPTY_GROUP"
        default: "ERROR_\(rawValue)"
        }
    }

    /// Whether Kafka's clients retry a request that failed with this code (`RetriableException`
    /// subclasses in `Errors.java`), refreshing metadata first for the leadership ones.
    public var isRetriable: Bool {
        switch self {
        case .corruptMessage, .unknownTopicOrPartition, .leaderNotAvailable, .notLeaderOrFollower, .requestTimedOut,
            .networkException, .notEnoughReplicas, .notEnoughReplicasAfterAppend, .kafkaStorageError,
            .fencedLeaderEpoch, .unknownLeaderEpoch, .offsetNotAvailable, .brokerNotAvailable, .replicaNotAvailable:
            true
        default: false
        }
    }

    /// Whether the error means the client's idea of the partition's leader is stale
    /// (Kafka's `InvalidMetadataException` subclasses): refresh metadata before retrying.
    public var invalidatesMetadata: Bool {
        switch self {
        case .unknownTopicOrPartition, .leaderNotAvailable, .notLeaderOrFollower, .fencedLeaderEpoch,
            .unknownLeaderEpoch, .kafkaStorageError, .brokerNotAvailable, .replicaNotAvailable:
            true
        default: false
        }
    }
}
