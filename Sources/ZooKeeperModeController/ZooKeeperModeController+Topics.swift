import KafkaController
import KafkaModel
import KafkaZooKeeperData
import ZooKeeper

/// New topics and partitions, and ISR change notifications (Kafka 2.8 `processTopicChange`,
/// `processPartitionModifications`, `onNewPartitionCreation`, `processIsrChangeNotification`).
extension ZooKeeperModeController {
    func processTopicChange() throws {
        guard isActive else { return }
        let handler = watch("children:" + ZNodePaths.topics) { .topicChange }
        let topics = Set(try zooKeeper.children(ZNodePaths.topics, watch: handler))
        let newTopics = topics.subtracting(context.allTopics)
        let deletedTopics = context.allTopics.subtracting(topics)
        for topic in newTopics { context.addTopic(topic) }
        for topic in deletedTopics { context.removeTopic(topic) }
        let added = try readAssignments(newTopics, watch: true)
        if !newTopics.isEmpty || !deletedTopics.isEmpty {
            logger.info("New topics: \(newTopics.sorted()), deleted topics: \(deletedTopics.sorted()), new partition replica assignment \(added.count) partitions")
        }
        for (partition, assignment) in added { context.updatePartitionFullReplicaAssignment(partition, assignment) }
        if !added.isEmpty { try onNewPartitionCreation(Array(added.keys).sorted()) }
    }

    func processPartitionModifications(_ topic: String) throws {
        // A topic the context does not know (deleted, or not yet seen by TopicChange) is TopicChange's business:
        // this is how a deleted topic's handler is muted (Kafka's `mutePartitionModifications`).
        guard isActive, context.allTopics.contains(topic) else { return }
        let assignment = try readAssignments([topic], watch: true)
        let toAdd = assignment.filter { context.partitionReplicaAssignment($0.key).isEmpty }
        guard !toAdd.isEmpty else { return }
        if context.isTopicQueuedUpForDeletion(topic) {
            logger.warning("Skipping adding partitions \(toAdd.keys.sorted()) for topic \(topic) since it is currently being deleted")
            return
        }
        logger.info("New partitions to be added \(toAdd.keys.sorted())")
        for (partition, replicas) in toAdd { context.updatePartitionFullReplicaAssignment(partition, replicas) }
        try onNewPartitionCreation(Array(toAdd.keys).sorted())
    }

    /// Kafka's `onNewPartitionCreation` (`ControllerFlows`).
    func onNewPartitionCreation(_ partitions: [TopicPartition]) throws {
        logger.info("New partition creation callback for \(partitions.map(\.description).joined(separator: ","))")
        try flows.onNewPartitionCreation(partitions, cause: "TopicChange")
    }

    /// Kafka's `processIsrChangeNotification`: leaders changed ISRs in ZooKeeper; re-read them and
    /// tell every broker, then delete the notifications (fenced).
    func processISRChangeNotification() throws {
        guard isActive else { return }
        let handler = watch("children:" + ZNodePaths.isrChangeNotification) { .isrChangeNotification }
        let names = try zooKeeper.children(ZNodePaths.isrChangeNotification, watch: handler)
        guard !names.isEmpty else { return }
        let paths = names.map { ZNodePaths.isrChangeNotification + "/" + $0 }
        var partitions: Set<TopicPartition> = []
        for (path, data) in try zooKeeper.dataOfEach(paths, watches: [:]) {
            partitions.formUnion(try PartitionListZNode.decode(data, path: path))
        }
        let known = partitions.filter { context.allTopics.contains($0.topic) }
        try updateLeaderAndISRCache(Array(known))
        if !known.isEmpty {
            sendUpdateMetadataRequest(to: context.liveOrShuttingDownBrokerIDs.sorted(), partitions: Array(known))
        }
        let version = context.epochZKVersion
        try zooKeeper.fencedDeleteIfExists(paths, epochZKVersion: version)
    }
}
