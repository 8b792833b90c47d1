import KafkaProtocol

/// The Java exception Kafka's admin client raises for a group error, as `kafka-consumer-groups.sh`
/// prints it (`error.toString` of the failed future, or `getMessage` for partition errors).
public enum ConsumerGroupsErrorText {
    /// `org.apache.kafka.common.errors.<Exception>: <message>` wrapped as `ExecutionException`, as
    /// `--delete` prints a failed group.
    public static func deleteFailure(_ code: KafkaErrorCode) -> String {
        "java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.\(exception(code)): \(message(code))"
    }

    public static func exception(_ code: KafkaErrorCode) -> String {
        switch code {
        case .nonEmptyGroup: "GroupNotEmptyException"
        case .groupIDNotFound: "GroupIdNotFoundException"
        case .invalidGroupID: "InvalidGroupIdException"
        case .coordinatorNotAvailable: "CoordinatorNotAvailableException"
        case .notCoordinator: "NotCoordinatorException"
        case .coordinatorLoadInProgress: "CoordinatorLoadInProgressException"
        case .groupSubscribedToTopic: "GroupSubscribedToTopicException"
        case .unknownTopicOrPartition: "UnknownTopicOrPartitionException"
        default: "KafkaException"
        }
    }

    /// Kafka's `Errors` default message.
    public static func message(_ code: KafkaErrorCode) -> String {
        switch code {
        case .nonEmptyGroup: "The group is not empty."
        case .groupIDNotFound: "The group id does not exist."
        case .invalidGroupID: "The configured groupId is invalid."
        case .coordinatorNotAvailable: "The coordinator is not available."
        case .notCoordinator: "This is not the correct coordinator."
        case .coordinatorLoadInProgress: "The coordinator is loading and hence can't process requests."
        case .groupSubscribedToTopic: "The consumer group is actively subscribed to the topic"
        case .unknownTopicOrPartition: "This server does not host this topic-partition."
        default: "Error code \(code.rawValue)"
        }
    }
}
