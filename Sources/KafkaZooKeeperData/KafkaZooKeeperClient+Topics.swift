import KafkaModel
import ZooKeeper

/// The admin operations on topics (Kafka 2.8's `KafkaZkClient` as `AdminZkClient` uses it):
/// existence, topic creation with its config, and the deletion marker.
extension KafkaZooKeeperClient {
    /// Whether `/brokers/topics/<topic>` exists (`KafkaZkClient.topicExists`).
    public func topicExists(_ topic: String) async throws -> Bool {
        try await zooKeeper.exists(ZNodePaths.topic(topic)) != nil
    }

    /// The children of `/brokers/topics` (`KafkaZkClient.getAllTopicsInCluster`, without a watch).
    public func getAllTopicsInCluster() async throws -> [String] {
        do {
            return try await zooKeeper.getChildren(ZNodePaths.topics).children.sorted()
        } catch let error as ZooKeeperError where error.code == .noNode {
            return []
        }
    }

    /// Writes `/config/topics/<topic>`: setData if it exists, else create with parents
    /// (`KafkaZkClient.setOrCreateEntityConfigs`).
    public func setOrCreateTopicConfig(_ topic: String, config: [String: String]) async throws {
        let path = ZNodePaths.topicConfig(topic)
        let data = TopicConfigZNode.encode(config)
        do {
            _ = try await zooKeeper.setData(path, data: data, version: -1)
        } catch let error as ZooKeeperError where error.code == .noNode {
            do {
                try await zooKeeper.createRecursive(path, data: data)
            } catch let error as ZooKeeperError where error.code == .nodeExists {
                _ = try await zooKeeper.setData(path, data: data, version: -1)
            }
        }
    }

    /// Reads `/config/topics/<topic>`, or nil if it does not exist (`AdminZkClient.fetchEntityConfig`).
    public func getTopicConfig(_ topic: String) async throws -> [String: String]? {
        do {
            return try TopicConfigZNode.decode(topic: topic, data: try await zooKeeper.getData(ZNodePaths.topicConfig(topic)).data)
        } catch let error as ZooKeeperError where error.code == .noNode {
            return nil
        }
    }

    /// Creates `/brokers/topics/<topic>` (parents too) with `znode`'s assignment
    /// (`KafkaZkClient.createTopicAssignment`). Throws `ZooKeeperError` `.nodeExists` if it exists.
    public func createTopicAssignment(_ znode: TopicZNode) async throws {
        let path = ZNodePaths.topic(znode.topic)
        if try await zooKeeper.exists(ZNodePaths.topics) == nil { try await zooKeeper.createRecursive(ZNodePaths.topics) }
        _ = try await zooKeeper.create(path, data: znode.encode())
    }

    /// Creates `/admin/delete_topics/<topic>` (`KafkaZkClient.createDeleteTopicPath`). Throws
    /// `ZooKeeperError` `.nodeExists` if the topic is already marked.
    public func createDeleteTopicPath(_ topic: String) async throws {
        if try await zooKeeper.exists(ZNodePaths.deleteTopics) == nil { try await zooKeeper.createRecursive(ZNodePaths.deleteTopics) }
        _ = try await zooKeeper.create(ZNodePaths.deleteTopic(topic), data: nil)
    }
}
