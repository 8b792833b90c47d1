import KafkaModel
import KafkaProtocol
import KafkaQuorumController

/// What a forwarded CreateTopics' answer means for the client (pure).
///
/// A forwarded request is retried when the controller did not answer (a timeout or a lost connection) or answered
/// NOT_CONTROLLER, as Kafka 3.3's `BrokerToControllerRequestThread` retries them. Either way the earlier attempt may
/// already have been applied: the controller had appended the topic's records and they were committed (by it, or
/// by the next leader after a failover). The retry then finds the topic and answers TOPIC_ALREADY_EXISTS, which
/// Kafka passes on to the client although its own request created the topic. Here the broker answers from the
/// committed result instead: after a retry, TOPIC_ALREADY_EXISTS for a topic whose committed replica assignment and
/// configs are exactly the ones this broker sent means the earlier attempt created it.
public enum ForwardedTopicCreation: Equatable, Sendable {
    case created
    case alreadyExists
    case failed(KafkaErrorCode)

    /// - Parameters:
    ///   - code: the controller's answer to the last attempt.
    ///   - retried: whether an earlier attempt was sent (and may have been applied).
    ///   - existing: the topic in the broker's committed metadata image, if it is there.
    ///   - existingConfigs: that topic's configs in the image.
    ///   - assignment, configs: what this broker asked for.
    public static func resolve(
        code: KafkaErrorCode, retried: Bool, existing: TopicControlInfo?, existingConfigs: [String: String],
        assignment: [Int32: [BrokerID]], configs: [String: String]
    ) -> ForwardedTopicCreation {
        switch code {
        case .none:
            return .created
        case .topicAlreadyExists:
            guard retried, let existing,
                existing.partitions.mapValues(\.replicas) == assignment, existingConfigs == configs
            else { return .alreadyExists }
            return .created
        default:
            return .failed(code)
        }
    }
}
