import KafkaModel

/// The steps of Kafka 2.8's `onControllerFailover` that only decide, and the controller-side entry points of
/// topic deletion (`processTopicDeletion`, `fetchTopicDeletionsInProgress`). The shell reads what they need —
/// the context, `/admin/delete_topics` — and sequences them with its own I/O (watches, broker channels).
extension KafkaController {
    // MARK: - Failover

    /// Kafka's `fetchTopicDeletionsInProgress` + `TopicDeletionManager.init` (failover, before the state machines
    /// start): the queued topics that exist; ineligible when one of their replicas is offline or one of their
    /// partitions is being reassigned. Queued topics that do not exist have their requests removed.
    public func initializeTopicDeletion(queued: Set<String>) throws {
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
            try deletionClient.deleteTopicDeletions(unknown.sorted(), epochZKVersion: context.epochZKVersion)
        }
    }

    /// Failover: every broker learns the live broker set (`UpdateMetadata` without partitions), then both state
    /// machines start (Kafka's `replicaStateMachine.startup()`, `partitionStateMachine.startup()`), sending
    /// LeaderAndIsr and UpdateMetadata for every partition and electing leaders where needed. Kafka flushes three
    /// batches here; the shell merges them (one LeaderAndIsr and one UpdateMetadata per broker).
    public func startStateMachines() throws {
        flows.sendUpdateMetadataRequest(brokerIDs: context.liveOrShuttingDownBrokerIDs.sorted(), partitions: [])
        // The ISR shrinks and elections below, one write per partition when the event holds its requests
        // (issue 14; `SinglePassPlan`, `EventScopedPartitionStateStore`).
        try flows.writeAhead { SinglePassPlan.controllerFailover(context: context) }
        send(try replicaStateMachine.startup().requests)
        send(try partitionStateMachine.startup().requests)
    }

    // MARK: - Topic deletion requests

    /// Kafka's `processTopicDeletion` after the shell read `/admin/delete_topics`: requests for unknown topics
    /// are removed; with `delete.topic.enable=false` every request is removed; otherwise the topics are queued
    /// (those with a partition being reassigned halted) and deletions resume.
    public func onTopicDeletionRequest(_ requested: Set<String>) throws {
        let nonExistent = requested.subtracting(context.allTopics)
        if !nonExistent.isEmpty {
            logger.warning("Ignoring request to delete non-existing topics \(nonExistent.sorted().joined(separator: ","))")
            try deletionClient.deleteTopicDeletions(nonExistent.sorted(), epochZKVersion: context.epochZKVersion)
        }
        let topics = requested.subtracting(nonExistent)
        guard !topics.isEmpty else { return }
        if topicDeletionManager.isDeleteTopicEnabled {
            logger.info("Starting topic deletion for topics \(topics.sorted().joined(separator: ","))")
            try topicDeletionManager.enqueueTopicsForDeletion(topics)
        } else {
            logger.info("Removing \(topics.sorted()) since delete topic is disabled")
            try deletionClient.deleteTopicDeletions(topics.sorted(), epochZKVersion: context.epochZKVersion)
        }
    }
}
