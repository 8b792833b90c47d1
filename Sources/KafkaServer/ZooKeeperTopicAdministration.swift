import KafkaBroker
import KafkaModel
import KafkaZooKeeperData
import ZooKeeper
import ZooKeeperModeController

/// ``TopicAdministration`` over the broker's current ZooKeeper session: Kafka 2.8's
/// `AdminZkClient.createTopicWithAssignment` and `deleteTopic`.
struct ZooKeeperTopicAdministration: TopicAdministration {
    let session: ControllerSession

    func topicExists(_ topic: String) async throws -> Bool {
        try await session.current.topicExists(topic)
    }

    func allTopics() async throws -> [String] {
        try await session.current.getAllTopicsInCluster()
    }

    /// The config first (not atomic with the assignment, as in Kafka), then the topic znode with a
    /// fresh topic id (Kafka 2.8 with IBP 2.8 writes `topic_id`).
    func createTopic(name: String, assignment: [Int32: [BrokerID]], config: [String: String]) async throws {
        let client = session.current
        try await client.setOrCreateTopicConfig(name, config: config)
        let znode = TopicZNode(
            topic: name, topicID: ClusterIdentifier.random(),
            partitions: assignment.mapValues { ReplicaAssignment(replicas: $0) })
        do {
            try await client.createTopicAssignment(znode)
        } catch let error as ZooKeeperError where error.code == .nodeExists {
            throw TopicAdministrationError.topicAlreadyExists(name)
        }
    }

    func markTopicForDeletion(_ topic: String) async throws {
        let client = session.current
        guard try await client.topicExists(topic) else { throw TopicAdministrationError.unknownTopic(topic) }
        do {
            try await client.createDeleteTopicPath(topic)
        } catch let error as ZooKeeperError where error.code == .nodeExists {
            throw TopicAdministrationError.alreadyMarkedForDeletion(topic)
        }
    }

    func topicConfig(_ topic: String) async throws -> [String: String]? {
        try await session.current.getTopicConfig(topic)
    }
}
