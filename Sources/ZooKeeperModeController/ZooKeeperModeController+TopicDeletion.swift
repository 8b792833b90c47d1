import KafkaController
import KafkaModel
import KafkaZooKeeperData
import ZooKeeper

/// Topic deletion's ZooKeeper side (Kafka 2.8 `processTopicDeletion`,
/// `processTopicDeletionStopReplicaResponseReceived`, `fetchTopicDeletionsInProgress`): the reads. What to do is
/// decided by the core (`KafkaController+Failover`, ``TopicDeletionManager``); its deletes go through
/// ``ZooKeeperTopicDeletionClient``.
extension ZooKeeperModeController {
    /// Kafka's `processTopicDeletion`: read (and re-arm the child watch of) `/admin/delete_topics`, then the
    /// core's `onTopicDeletionRequest`.
    func processTopicDeletion() throws {
        guard isActive else { return }
        try core.onTopicDeletionRequest(try readTopicDeletions())
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
            return Set(try zooKeeper.children(ZNodePaths.deleteTopics, watch: handler))
        } catch {
            watches.disarm("children:" + ZNodePaths.deleteTopics)
            throw error
        }
    }

    /// Kafka's `fetchTopicDeletionsInProgress` (failover, before the state machines start): the queued topics,
    /// then the core's `initializeTopicDeletion`.
    func initializeTopicDeletion() throws {
        try core.initializeTopicDeletion(queued: try readTopicDeletions())
    }
}

/// ``TopicDeletionClient`` over ZooKeeper (Kafka's `ControllerDeletionClient`): every delete is its own
/// `multi[check(/controller_epoch), delete]`, children before parents, as Kafka's `deleteRecursive`; a
/// znode that is already gone is skipped; a failed epoch check throws ``ControllerError`` `controllerMoved`.
///
/// Threading contract: called on the controller event thread, which blocks until ZooKeeper answered.
final class ZooKeeperTopicDeletionClient: TopicDeletionClient {
    let zooKeeper: any ControllerZooKeeper

    init(zooKeeper: any ControllerZooKeeper) { self.zooKeeper = zooKeeper }

    func deleteTopic(_ topic: String, epochZKVersion: Int32) throws {
        try zooKeeper.fencedDeleteRecursive(ZNodePaths.topic(topic), epochZKVersion: epochZKVersion)
        try zooKeeper.fencedDeleteIfExists(
            [ZNodePaths.topicConfig(topic), ZNodePaths.deleteTopic(topic)], epochZKVersion: epochZKVersion)
    }

    func deleteTopicDeletions(_ topics: [String], epochZKVersion: Int32) throws {
        try zooKeeper.fencedDeleteIfExists(topics.map(ZNodePaths.deleteTopic), epochZKVersion: epochZKVersion)
    }

    /// Muting is done by the partition-modifications handler, which ignores topics the context no longer
    /// knows; nothing to do here (ZooKeeper watches cannot be removed one by one).
    func mutePartitionModifications(_ topic: String) {}
}
