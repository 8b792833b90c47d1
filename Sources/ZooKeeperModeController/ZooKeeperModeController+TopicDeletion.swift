import KafkaController
import KafkaModel
import KafkaZooKeeperData
import ZooKeeper

/// Topic deletion's ZooKeeper side (Kafka 2.8 `processTopicDeletion`,
/// `processTopicDeletionStopReplicaResponseReceived`, `fetchTopicDeletionsInProgress`); the bookkeeping is
/// ``TopicDeletionManager``'s.
extension ZooKeeperModeController {
    /// Kafka's `processTopicDeletion`: read (and re-arm the child watch of) `/admin/delete_topics`; drop
    /// requests for unknown topics; with `delete.topic.enable=false` remove every request; otherwise queue the
    /// topics (those with a partition being reassigned are halted) and resume deletions.
    func processTopicDeletion() throws {
        guard isActive else { return }
        var topics = try readTopicDeletions()
        let version = context.epochZKVersion
        let nonExistent = topics.subtracting(context.allTopics)
        if !nonExistent.isEmpty {
            logger.warning("Ignoring request to delete non-existing topics \(nonExistent.sorted().joined(separator: ","))")
            try ZooKeeperTopicDeletionClient.deleteTopicDeletions(session, nonExistent.sorted(), epochZKVersion: version)
        }
        topics.subtract(nonExistent)
        guard !topics.isEmpty else { return }
        if configuration.deleteTopicEnable {
            logger.info("Starting topic deletion for topics \(topics.sorted().joined(separator: ","))")
            try topicDeletionManager.enqueueTopicsForDeletion(topics)
        } else {
            logger.info("Removing \(topics.sorted()) since delete topic is disabled")
            try ZooKeeperTopicDeletionClient.deleteTopicDeletions(session, topics.sorted(), epochZKVersion: version)
        }
    }

    /// Kafka's `processTopicDeletionStopReplicaResponseReceived`.
    func processTopicDeletionStopReplicaResponseReceived(
        _ brokerID: BrokerID, errorCode: Int16, partitionErrors: [TopicPartition: Int16]
    ) throws {
        guard isActive else { return }
        logger.debug("Delete topic callback invoked on StopReplica response received from broker \(brokerID): request error = \(errorCode), partition errors = \(partitionErrors)")
        try topicDeletionManager.onStopReplicaResponse(brokerID: brokerID, errorCode: errorCode, partitionErrors: partitionErrors)
    }

    /// The children of `/admin/delete_topics`, leaving the child watch armed (Kafka's `getTopicDeletions`).
    func readTopicDeletions() throws -> Set<String> {
        let handler = watch("children:" + ZNodePaths.deleteTopics) { .topicDeletion }
        do {
            return Set(try blocking { try await $0.zooKeeper.getChildren(ZNodePaths.deleteTopics, watch: handler).children })
        } catch {
            watches.disarm("children:" + ZNodePaths.deleteTopics)
            throw error
        }
    }

    /// Kafka's `fetchTopicDeletionsInProgress` + `TopicDeletionManager.init` (failover, before the state
    /// machines start): queued topics, ineligible when a replica is offline or a partition is being reassigned.
    func initializeTopicDeletion() throws {
        let queued = try readTopicDeletions()
        let withOfflineReplicas = context.allTopics.filter { topic in
            context.replicasForTopics([topic]).contains { !context.isReplicaOnline($0.replica, $0.topicPartition) }
        }
        let reassigning = Set(context.partitionsBeingReassigned.map(\.topic))
        try topicDeletionManager.initialize(
            topicsToBeDeleted: queued.intersection(context.allTopics),
            topicsIneligibleForDeletion: withOfflineReplicas.union(reassigning))
        let unknown = queued.subtracting(context.allTopics)
        if !unknown.isEmpty {
            logger.warning("Ignoring request to delete non-existing topics \(unknown.sorted().joined(separator: ","))")
            try ZooKeeperTopicDeletionClient.deleteTopicDeletions(session, unknown.sorted(), epochZKVersion: context.epochZKVersion)
        }
    }
}

/// ``TopicDeletionClient`` over ZooKeeper (Kafka's `ControllerDeletionClient`): every delete is its own
/// `multi[check(/controller_epoch), delete]`, children before parents, as Kafka's `deleteRecursive`; a
/// znode that is already gone is skipped; a failed epoch check throws ``ControllerMovedError``.
///
/// Threading contract: called on the controller event thread, which blocks until ZooKeeper answered.
final class ZooKeeperTopicDeletionClient: TopicDeletionClient {
    let session: ControllerSession

    init(session: ControllerSession) { self.session = session }

    func deleteTopic(_ topic: String, epochZKVersion: Int32) throws {
        let kafka = session.current
        try BlockingBridge.run {
            try await Self.deleteRecursive(kafka, ZNodePaths.topic(topic), epochZKVersion: epochZKVersion)
            try await Self.deleteIfExists(kafka, ZNodePaths.topicConfig(topic), epochZKVersion: epochZKVersion)
            try await Self.deleteIfExists(kafka, ZNodePaths.deleteTopic(topic), epochZKVersion: epochZKVersion)
        }
    }

    func deleteTopicDeletions(_ topics: [String], epochZKVersion: Int32) throws {
        try Self.deleteTopicDeletions(session, topics, epochZKVersion: epochZKVersion)
    }

    /// Muting is done by the partition-modifications handler, which ignores topics the context no longer
    /// knows; nothing to do here (ZooKeeper watches cannot be removed one by one).
    func mutePartitionModifications(_ topic: String) {}

    static func deleteTopicDeletions(_ session: ControllerSession, _ topics: [String], epochZKVersion: Int32) throws {
        let kafka = session.current
        try BlockingBridge.run {
            for topic in topics {
                try await deleteIfExists(kafka, ZNodePaths.deleteTopic(topic), epochZKVersion: epochZKVersion)
            }
        }
    }

    /// Deletes `path` and everything below it, deepest first.
    static func deleteRecursive(_ kafka: KafkaZooKeeperClient, _ path: String, epochZKVersion: Int32) async throws {
        let children: [String]
        do {
            children = try await kafka.zooKeeper.getChildren(path).children
        } catch let error as ZooKeeperError where error.code == .noNode {
            return
        }
        for child in children.sorted() {
            try await deleteRecursive(kafka, path + "/" + child, epochZKVersion: epochZKVersion)
        }
        try await deleteIfExists(kafka, path, epochZKVersion: epochZKVersion)
    }

    static func deleteIfExists(_ kafka: KafkaZooKeeperClient, _ path: String, epochZKVersion: Int32) async throws {
        do {
            try await kafka.fencedMulti([.delete(path: path)], expectedControllerEpochZKVersion: epochZKVersion)
        } catch let error as ZooKeeperError where error.code == .noNode {
            return
        } catch let error as ZooKeeperError where error.multiResults.contains(where: { if case .failed(.noNode) = $0 { true } else { false } }) {
            return
        }
    }
}
