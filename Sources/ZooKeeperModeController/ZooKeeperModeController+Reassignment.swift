import KafkaController
import KafkaModel
import KafkaZooKeeperData
import ZooKeeper

/// Partition reassignment through the legacy `/admin/reassign_partitions` znode: the reads that trigger it
/// (Kafka 2.8 `processZkPartitionReassignment`, `processPartitionReassignmentIsrChange`,
/// `initializePartitionReassignments`). What to do is decided by `KafkaController+Reassignment` in the core; its
/// writes come back through ``ZooKeeperReassignmentStore``.
extension ZooKeeperModeController {
    /// Kafka's `processZkPartitionReassignment`: arm the existence watch; if the znode exists, hand its
    /// requests to the core (a malformed znode is deleted). Returns the partitions started.
    func processZkPartitionReassignment() throws -> Set<TopicPartition> {
        guard isActive else { return [] }
        let handler = watch("exists:" + ZNodePaths.reassignPartitions) { .zkPartitionReassignment }
        guard try zooKeeper.exists(ZNodePaths.reassignPartitions, watch: handler),
            let data = try zooKeeper.data(ZNodePaths.reassignPartitions, watch: nil)?.data
        else { return [] }
        let requested: [TopicPartition: [BrokerID]]
        do {
            requested = try ReassignPartitionsZNode.decode(data)
        } catch {
            logger.error("Ignoring malformed \(ZNodePaths.reassignPartitions) and deleting it: \(error)")
            try reassignmentStore.deleteReassignmentZNode(epochZKVersion: context.epochZKVersion)
            return []
        }
        return try core.onPartitionReassignmentRequest(requested)
    }

    /// Kafka's `processPartitionReassignmentIsrChange`: the state znode of a reassigning partition changed.
    func processPartitionReassignmentISRChange(_ partition: TopicPartition) throws {
        guard isActive else { return }
        try core.onPartitionReassignmentISRChange(partition)
    }

    /// Kafka's `initializePartitionReassignments` (failover, after the state machines started): requests in
    /// the znode, then in-flight reassignments recorded only in topic znodes (AR/RR set).
    func initializePartitionReassignments() throws {
        let resumed = try processZkPartitionReassignment()
        try core.resumePartitionReassignments(skipping: resumed)
    }

    /// Kafka's `PartitionReassignmentIsrChangeHandler`: a data watch on the partition's state znode.
    func armReassignmentISRWatch(_ partition: TopicPartition) {
        let path = ZNodePaths.partitionState(partition.topic, partition.partition)
        let key = "data:" + path
        guard let handler = watch(key, { .partitionReassignmentISRChange(partition: partition) }) else { return }
        do {
            _ = try zooKeeper.exists(path, watch: handler)
        } catch {
            watches.disarm(key)
            logger.warning("Could not watch \(path) for reassignment progress: \(error)")
        }
    }
}

/// ``ReassignmentStore`` over ZooKeeper: the topic znodes and `/admin/reassign_partitions` through the shell's
/// ``ControllerZooKeeper`` port (every write fenced), the ISR watches through the shell's watch arming.
///
/// Threading contract: called on the controller event thread, which blocks until ZooKeeper answered.
final class ZooKeeperReassignmentStore: ReassignmentStore {
    /// Set once after the controller is initialised (the controller owns the core that owns this store).
    weak var controller: ZooKeeperModeController?

    private func zooKeeper() throws -> any ControllerZooKeeper {
        guard let controller else { throw ControllerError(.notController, "the controller shut down") }
        return controller.zooKeeper
    }

    func setTopicAssignment(
        _ topic: String, _ partitions: [Int32: ReplicaAssignment], expectedControllerEpochZKVersion version: Int32
    ) throws {
        let zooKeeper = try zooKeeper()
        let path = ZNodePaths.topic(topic)
        guard let existing = try zooKeeper.data(path, watch: nil) else {
            throw ControllerError(.stateChangeFailed, "Cannot update the assignment of topic \(topic): \(path) does not exist")
        }
        let node = TopicZNode(
            topic: topic, topicID: try TopicZNode.decode(topic: topic, data: existing.data).topicID, partitions: partitions)
        try zooKeeper.fencedSetData(path, node.encode(), epochZKVersion: version)
    }

    func pendingReassignments() throws -> [TopicPartition: [BrokerID]]? {
        guard let data = try zooKeeper().data(ZNodePaths.reassignPartitions, watch: nil)?.data else { return nil }
        return (try? ReassignPartitionsZNode.decode(data)) ?? [:]
    }

    func setPendingReassignments(_ remaining: [TopicPartition: [BrokerID]], expectedControllerEpochZKVersion version: Int32) throws {
        if remaining.isEmpty {
            try deleteReassignmentZNode(epochZKVersion: version)
            // Kafka re-registers the creation handler: ensure future reassignments are detected.
            controller?.put(.zkPartitionReassignment)
            return
        }
        try zooKeeper().fencedSetData(ZNodePaths.reassignPartitions, ReassignPartitionsZNode.encode(remaining), epochZKVersion: version)
    }

    func watchISRChanges(of partition: TopicPartition) { controller?.armReassignmentISRWatch(partition) }

    /// Deletes `/admin/reassign_partitions` (fenced; already gone is fine).
    func deleteReassignmentZNode(epochZKVersion version: Int32) throws {
        try zooKeeper().fencedDeleteIfExists([ZNodePaths.reassignPartitions], epochZKVersion: version)
    }
}
