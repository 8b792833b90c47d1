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
        try await session.retryingUntilConnected { client, _ in try await client.topicExists(topic) }
    }

    func allTopics() async throws -> [String] {
        try await session.retryingUntilConnected { client, _ in try await client.getAllTopicsInCluster() }
    }

    func registeredBrokers() async throws -> [BrokerID] {
        try await session.retryingUntilConnected { client, _ in try await client.getAllBrokersInCluster().map(\.id) }
    }

    /// What one znode may hold: a create or setData larger than the server's `jute.maxbuffer` (1 MB by default)
    /// makes ZooKeeper drop the session's connection, failing every other request on it, the controller's too.
    /// The margin leaves room for the path and the request's framing.
    static let maxZNodeBytes = 1_048_575 - 4_096

    /// The config first (not atomic with the assignment, as in Kafka), then the topic znode with a
    /// fresh topic id (Kafka 2.8 with IBP 2.8 writes `topic_id`). Both are sized before anything is written.
    func createTopic(name: String, assignment: [Int32: [BrokerID]], config: [String: String]) async throws {
        let znode = TopicZNode(
            topic: name, topicID: KafkaUuid.random().description,
            partitions: assignment.mapValues { ReplicaAssignment(replicas: $0) })
        let sizes = [("/brokers/topics/\(name)", znode.encode().count), ("/config/topics/\(name)", TopicConfigZNode.encode(config).count)]
        for (path, size) in sizes where size > Self.maxZNodeBytes {
            throw TopicAdministrationError.tooLarge(
                "\(path) would hold \(size) bytes, more than ZooKeeper accepts in one znode (\(Self.maxZNodeBytes) bytes "
                    + "within the default jute.maxbuffer of 1 MB); create fewer partitions or smaller configs per topic")
        }
        try await session.retryingUntilConnected { client, _ in try await client.setOrCreateTopicConfig(name, config: config) }
        try await session.retryingUntilConnected { client, isRetry in
            do {
                try await client.createTopicAssignment(znode)
            } catch let error as ZooKeeperError where error.code == .nodeExists {
                // A create whose answer was lost may have landed: the topic is ours if it carries our topic id.
                if isRetry, let (data, _) = try? await client.zooKeeper.getData(ZNodePaths.topic(name)),
                    let existing = try? TopicZNode.decode(topic: name, data: data), existing.topicID == znode.topicID
                {
                    return
                }
                throw TopicAdministrationError.topicAlreadyExists(name)
            }
        }
    }

    func markTopicForDeletion(_ topic: String) async throws {
        guard try await topicExists(topic) else { throw TopicAdministrationError.unknownTopic(topic) }
        try await session.retryingUntilConnected { client, isRetry in
            do {
                try await client.createDeleteTopicPath(topic)
            } catch let error as ZooKeeperError where error.code == .nodeExists {
                // The marker our lost-answer create wrote is ours, not a second deletion.
                if isRetry { return }
                throw TopicAdministrationError.alreadyMarkedForDeletion(topic)
            }
        }
    }

    /// The topic's config overrides, as ZooKeeper's leader has them: this broker's session may be served by a
    /// ZooKeeper follower that has not applied the creator's `/config/topics` write yet when the controller's
    /// LeaderAndIsr arrives (ZooKeeper orders each session's view, not views across sessions), and a log created
    /// from that stale read would keep the broker's defaults for good — seen under load as a replica of a
    /// `cleanup.policy=compact` topic never compacted. `sync` first (ZooKeeper's documented way to read the
    /// latest); lost connections are retried (``ControllerSession/retryingUntilConnected(_:)``).
    func topicConfig(_ topic: String) async throws -> [String: String]? {
        try await session.retryingUntilConnected { client, _ in
            try await client.zooKeeper.sync("/")
            return try await client.getTopicConfig(topic)
        }
    }
}
