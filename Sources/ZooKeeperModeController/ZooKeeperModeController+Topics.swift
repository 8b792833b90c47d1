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
        let topics = Set(try blocking { try await $0.zooKeeper.getChildren(ZNodePaths.topics, watch: handler).children })
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
        let names = try blocking { try await $0.zooKeeper.getChildren(ZNodePaths.isrChangeNotification, watch: handler).children }
        guard !names.isEmpty else { return }
        let partitions = try blocking { kafka in
            try await withThrowingTaskGroup(of: [TopicPartition].self) { group in
                for name in names {
                    let path = ZNodePaths.isrChangeNotification + "/" + name
                    group.addTask {
                        do {
                            return try PartitionListZNode.decode(try await kafka.zooKeeper.getData(path).data, path: path)
                        } catch let error as ZooKeeperError where error.code == .noNode {
                            return []
                        }
                    }
                }
                return try await group.reduce(into: Set<TopicPartition>()) { $0.formUnion($1) }
            }
        }
        let known = partitions.filter { context.allTopics.contains($0.topic) }
        try updateLeaderAndISRCache(Array(known))
        if !known.isEmpty {
            sendUpdateMetadataRequest(to: context.liveOrShuttingDownBrokerIDs.sorted(), partitions: Array(known))
        }
        let version = context.epochZKVersion
        try blocking { kafka in
            for name in names {
                do {
                    _ = try await kafka.fencedMulti(
                        [.delete(path: ZNodePaths.isrChangeNotification + "/" + name)], expectedControllerEpochZKVersion: version)
                } catch let error as ZooKeeperError where error.code == .noNode {
                    continue
                }
            }
        }
    }
}
