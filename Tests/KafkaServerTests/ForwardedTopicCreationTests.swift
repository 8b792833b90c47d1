import KafkaModel
import KafkaProtocol
import KafkaQuorumController
import KafkaServer
import Testing

/// A forwarded CreateTopics that was retried (timeout, lost connection, NOT_CONTROLLER) and then answered
/// TOPIC_ALREADY_EXISTS was created by its own earlier attempt when the committed topic is exactly what this broker
/// asked for; the client is told it was created, not that it already existed.
@Suite(.tags(.unit))
struct ForwardedTopicCreationTests {
    static let assignment: [Int32: [BrokerID]] = [0: [1, 2], 1: [2, 3], 2: [3, 1]]

    static func topic(_ assignment: [Int32: [BrokerID]]) -> TopicControlInfo {
        TopicControlInfo(
            name: "t", id: KafkaUUID(mostSignificantBits: 1, leastSignificantBits: 2),
            partitions: assignment.mapValues {
                PartitionRegistration(replicas: $0, isr: $0, leader: $0[0], leaderEpoch: 0, partitionEpoch: 0)
            })
    }

    static func resolve(
        _ code: KafkaErrorCode, retried: Bool, existing: TopicControlInfo?, existingConfigs: [String: String] = ["retention.ms": "1"]
    ) -> ForwardedTopicCreation {
        ForwardedTopicCreation.resolve(
            code: code, retried: retried, existing: existing, existingConfigs: existingConfigs, assignment: assignment,
            configs: ["retention.ms": "1"])
    }

    @Test func aRetryFindingExactlyItsOwnTopic_wasCreatedByTheEarlierAttempt() {
        #expect(Self.resolve(.topicAlreadyExists, retried: true, existing: Self.topic(Self.assignment)) == .created)
    }

    @Test func aFirstAttempt_oranotherAssignmentOrConfig_stillAlreadyExists() {
        #expect(Self.resolve(.topicAlreadyExists, retried: false, existing: Self.topic(Self.assignment)) == .alreadyExists)
        #expect(Self.resolve(.topicAlreadyExists, retried: true, existing: Self.topic([0: [1, 2]])) == .alreadyExists)
        #expect(Self.resolve(.topicAlreadyExists, retried: true, existing: Self.topic(Self.assignment), existingConfigs: [:]) == .alreadyExists)
        #expect(Self.resolve(.topicAlreadyExists, retried: true, existing: nil) == .alreadyExists)
    }

    @Test func otherAnswersPassThrough() {
        #expect(Self.resolve(.none, retried: true, existing: nil) == .created)
        #expect(Self.resolve(.invalidReplicationFactor, retried: true, existing: nil) == .failed(.invalidReplicationFactor))
    }
}
