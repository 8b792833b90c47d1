import KafkaModel
import Logging

/// What the ``TopicDeletionManager`` needs from ZooKeeper (Kafka's `DeletionClient`): the shell implements it
/// with epoch-fenced deletes, tests with a recording fake.
///
/// Threading contract: called only on the controller event thread; calls block until ZooKeeper answered.
/// A fenced write that finds a newer controller throws (the shell resigns).
public protocol TopicDeletionClient: AnyObject {
    /// Deletes everything of a deleted topic: `/brokers/topics/<t>` recursively (children first),
    /// `/config/topics/<t>` and `/admin/delete_topics/<t>`, each delete fenced by `epochZKVersion`;
    /// znodes already gone are skipped (Kafka's `ControllerDeletionClient.deleteTopic`).
    func deleteTopic(_ topic: String, epochZKVersion: Int32) throws
    /// Deletes `/admin/delete_topics/<t>` for each topic (fenced), skipping missing ones (Kafka's
    /// `deleteTopicDeletions`): used when deletion is disabled or the topic does not exist.
    func deleteTopicDeletions(_ topics: [String], epochZKVersion: Int32) throws
    /// Stops reacting to the topic's assignment changes (Kafka's `mutePartitionModifications`), so a
    /// re-created topic is seen by the topic-change handler first.
    func mutePartitionModifications(_ topic: String)
}

/// Kafka 2.8's `TopicDeletionManager`: the bookkeeping of topic deletion over the ``ControllerContext`` and
/// both state machines.
///
/// A topic queued for deletion (`topicsToBeDeleted`) is deleted when it is *eligible*: no replica is in
/// ReplicaDeletionStarted and it is not in `topicsIneligibleForDeletion` (a replica is offline, a replica
/// deletion failed, or a reassignment of one of its partitions runs). Deletion of an eligible topic
/// (`onTopicDeletion`):
///
/// 1. first time only: its partitions → OfflinePartition → NonExistentPartition, topic marked "deletion started";
/// 2. `UpdateMetadata` with its partitions to every broker: queued topics carry leader -2
///    (`LeaderDuringDelete`), so brokers drop them from their metadata;
/// 3. (`onPartitionDeletion`) replicas on dead brokers → ReplicaDeletionIneligible and the topic is marked
///    ineligible; live replicas not yet deleted → OfflineReplica (`StopReplica(delete=false)`, ISR shrink) →
///    ReplicaDeletionStarted (`StopReplica(delete=true)`).
///
/// `StopReplica` responses come back through ``completeReplicaDeletion(_:)`` (→ ReplicaDeletionSuccessful) and
/// ``failReplicaDeletion(_:)`` (→ ReplicaDeletionIneligible, topic ineligible). Every entry point ends with
/// ``resumeDeletions()``: a topic whose replicas are all ReplicaDeletionSuccessful is completed (replicas →
/// NonExistentReplica, znodes deleted through the ``TopicDeletionClient``, topic removed from the context); a
/// topic with ineligible replicas and none started is retried (ineligible replicas → OfflineReplica) once it is
/// eligible again — after ``resumeDeletionForTopics(_:)`` (a broker came back, a reassignment finished).
///
/// With `delete.topic.enable=false` nothing is queued: the deletion znodes are removed and ignored.
///
/// Threading contract: confined to the controller event thread, like the context it mutates.
public final class TopicDeletionManager {
    public let isDeleteTopicEnabled: Bool
    private let flows: ControllerFlows
    private let client: any TopicDeletionClient
    private let logger: Logger

    private var context: ControllerContext { flows.context }
    private var replicaStateMachine: ReplicaStateMachine { flows.replicaStateMachine }
    private var partitionStateMachine: PartitionStateMachine { flows.partitionStateMachine }

    public init(
        flows: ControllerFlows, client: any TopicDeletionClient, isDeleteTopicEnabled: Bool,
        logger: Logger = Logger(label: "kafka.controller.TopicDeletionManager")
    ) {
        self.flows = flows
        self.client = client
        self.isDeleteTopicEnabled = isDeleteTopicEnabled
        self.logger = logger
    }

    // MARK: - Entry points

    /// Kafka's `init` (controller failover, before the state machines start): queue the topics read from
    /// `/admin/delete_topics` and mark the ineligible ones; with deletion disabled, remove the znodes instead.
    public func initialize(topicsToBeDeleted: Set<String>, topicsIneligibleForDeletion: Set<String>) throws {
        logger.info("Initializing manager with initial deletions: \(topicsToBeDeleted.sorted()), initial ineligible deletions: \(topicsIneligibleForDeletion.sorted())")
        if isDeleteTopicEnabled {
            context.topicsToBeDeleted.formUnion(topicsToBeDeleted)
            context.topicsIneligibleForDeletion.formUnion(topicsIneligibleForDeletion.intersection(context.topicsToBeDeleted))
        } else if !topicsToBeDeleted.isEmpty {
            logger.info("Removing \(topicsToBeDeleted.sorted()) since delete topic is disabled")
            try client.deleteTopicDeletions(topicsToBeDeleted.sorted(), epochZKVersion: context.epochZKVersion)
        }
    }

    /// Kafka's `tryTopicDeletion` (end of failover): resume whatever is queued.
    public func tryTopicDeletion() throws {
        if isDeleteTopicEnabled { try resumeDeletions() }
    }

    /// Kafka's `enqueueTopicsForDeletion`: queue the topics, marking those with a partition being reassigned
    /// ineligible, then resume deletions.
    public func enqueueTopicsForDeletion(_ topics: Set<String>) throws {
        guard isDeleteTopicEnabled else { return }
        context.topicsToBeDeleted.formUnion(topics)
        let reassigning = Set(context.partitionsBeingReassigned.map(\.topic)).intersection(topics)
        markTopicIneligibleForDeletion(reassigning, reason: "topic reassignment in progress")
        try resumeDeletions()
    }

    /// Kafka's `resumeDeletionForTopics`: the queued ones among `topics` become eligible again (a broker
    /// hosting one of their replicas started, or their reassignment completed).
    public func resumeDeletionForTopics(_ topics: Set<String>) throws {
        guard isDeleteTopicEnabled else { return }
        let toResume = topics.intersection(context.topicsToBeDeleted)
        guard !toResume.isEmpty else { return }
        context.topicsIneligibleForDeletion.subtract(toResume)
        try resumeDeletions()
    }

    /// Kafka's `failReplicaDeletion`: replicas of queued topics whose deletion failed (or whose broker died)
    /// → ReplicaDeletionIneligible; their topics are halted until resumed.
    public func failReplicaDeletion(_ replicas: Set<PartitionReplica>) throws {
        guard isDeleteTopicEnabled else { return }
        let failed = replicas.filter { context.isTopicQueuedUpForDeletion($0.topicPartition.topic) }.sorted()
        guard !failed.isEmpty else { return }
        let topics = Set(failed.map(\.topicPartition.topic))
        logger.debug("Deletion failed for replicas \(failed.map(\.description)). Halting deletion for topics \(topics.sorted())")
        flows.sender.send(try replicaStateMachine.handleStateChanges(failed, to: .deletionIneligible, cause: "TopicDeletion").requests)
        markTopicIneligibleForDeletion(topics, reason: "replica deletion failure")
        try resumeDeletions()
    }

    /// Kafka's `completeReplicaDeletion`: replicas of queued topics that the broker deleted →
    /// ReplicaDeletionSuccessful, then resume (which completes topics whose replicas are all deleted).
    public func completeReplicaDeletion(_ replicas: Set<PartitionReplica>) throws {
        let deleted = replicas.filter { context.isTopicQueuedUpForDeletion($0.topicPartition.topic) }.sorted()
        logger.debug("Deletion successfully completed for replicas \(deleted.map(\.description))")
        flows.sender.send(try replicaStateMachine.handleStateChanges(deleted, to: .deletionSuccessful, cause: "TopicDeletion").requests)
        try resumeDeletions()
    }

    /// Kafka's `processTopicDeletionStopReplicaResponseReceived` (minus the active check, which is the
    /// shell's): partitions answered with an error (all of them when the request failed as a whole) failed,
    /// the others were deleted.
    public func onStopReplicaResponse(brokerID: BrokerID, errorCode: Int16, partitionErrors: [TopicPartition: Int16]) throws {
        let inError = errorCode != 0 ? Set(partitionErrors.keys) : Set(partitionErrors.filter { $0.value != 0 }.keys)
        try failReplicaDeletion(Set(inError.map { PartitionReplica(topicPartition: $0, replica: brokerID) }))
        if inError.count != partitionErrors.count {
            let deleted = Set(partitionErrors.keys).subtracting(inError)
            try completeReplicaDeletion(Set(deleted.map { PartitionReplica(topicPartition: $0, replica: brokerID) }))
        }
    }

    /// Kafka's `markTopicIneligibleForDeletion`: halt the queued ones among `topics`.
    public func markTopicIneligibleForDeletion(_ topics: Set<String>, reason: String) {
        guard isDeleteTopicEnabled else { return }
        let halted = context.topicsToBeDeleted.intersection(topics)
        context.topicsIneligibleForDeletion.formUnion(halted)
        if !halted.isEmpty {
            logger.info("Halted deletion of topics \(halted.sorted().joined(separator: ",")) due to \(reason)")
        }
    }

    // MARK: - Queries

    /// Whether the topic is queued for deletion (always false with deletion disabled).
    public func isTopicQueuedUpForDeletion(_ topic: String) -> Bool {
        isDeleteTopicEnabled && context.isTopicQueuedUpForDeletion(topic)
    }

    /// Kafka's `isTopicDeletionInProgress`: some replica of the topic is in ReplicaDeletionStarted.
    public func isTopicDeletionInProgress(_ topic: String) -> Bool {
        isDeleteTopicEnabled && isAnyReplicaInState(topic, .deletionStarted)
    }

    /// Kafka's `isTopicEligibleForDeletion`: queued, nothing in flight, not halted.
    public func isTopicEligibleForDeletion(_ topic: String) -> Bool {
        isTopicQueuedUpForDeletion(topic) && !isTopicDeletionInProgress(topic)
            && !(isDeleteTopicEnabled ? context.topicsIneligibleForDeletion.contains(topic) : true)
    }

    private func isAnyReplicaInState(_ topic: String, _ state: ReplicaState) -> Bool {
        context.replicasForTopics([topic]).contains { context.replicaState($0) == state }
    }

    private func areAllReplicasInState(_ topic: String, _ state: ReplicaState) -> Bool {
        context.replicasForTopics([topic]).allSatisfy { context.replicaState($0) == state }
    }

    // MARK: - The deletion loop

    /// Kafka's `resumeDeletions`: complete finished topics, retry failed ones, start eligible ones.
    public func resumeDeletions() throws {
        let queued = context.topicsToBeDeleted.sorted()
        var eligibleForRetry: [String] = []
        var eligibleForDeletion: [String] = []
        if !queued.isEmpty { logger.info("Handling deletion for topics \(queued.joined(separator: ","))") }
        for topic in queued {
            if areAllReplicasInState(topic, .deletionSuccessful) {
                try completeDeleteTopic(topic)
                logger.info("Deletion of topic \(topic) successfully completed")
                continue
            }
            if !isAnyReplicaInState(topic, .deletionStarted) && isAnyReplicaInState(topic, .deletionIneligible) {
                // Nothing in flight and some replica failed before: retry those.
                eligibleForRetry.append(topic)
            }
            if isTopicEligibleForDeletion(topic) {
                logger.info("Deletion of topic \(topic) (re)started")
                eligibleForDeletion.append(topic)
            }
        }
        if !eligibleForRetry.isEmpty { try retryDeletionForIneligibleReplicas(eligibleForRetry) }
        if !eligibleForDeletion.isEmpty { try onTopicDeletion(eligibleForDeletion) }
    }

    /// Kafka's `retryDeletionForIneligibleReplicas`: ReplicaDeletionIneligible → OfflineReplica, so the next
    /// round can start them again.
    private func retryDeletionForIneligibleReplicas(_ topics: [String]) throws {
        for topic in topics {
            let failed = context.replicasInState(topic, .deletionIneligible)
            logger.info("Retrying deletion of topic \(topic) since replicas \(failed.map(\.description)) were not successfully deleted")
            flows.sender.send(try replicaStateMachine.handleStateChanges(failed, to: .offline, cause: "TopicDeletion").requests)
        }
    }

    /// Kafka's `completeDeleteTopic`: every replica is deleted; forget the topic here and in ZooKeeper.
    private func completeDeleteTopic(_ topic: String) throws {
        client.mutePartitionModifications(topic)
        let deleted = context.replicasInState(topic, .deletionSuccessful)
        flows.sender.send(try replicaStateMachine.handleStateChanges(deleted, to: .nonExistent, cause: "TopicDeletion").requests)
        try client.deleteTopic(topic, epochZKVersion: context.epochZKVersion)
        context.removeTopic(topic)
    }

    /// Kafka's `onTopicDeletion`.
    private func onTopicDeletion(_ topics: [String]) throws {
        let unseen = topics.filter { !context.topicsWithDeletionStarted.contains($0) }
        if !unseen.isEmpty {
            let partitions = unseen.flatMap { context.partitionsForTopic($0) }
            flows.sender.send(try partitionStateMachine.handleStateChanges(partitions, to: .offline, cause: "TopicDeletion").requests)
            flows.sender.send(try partitionStateMachine.handleStateChanges(partitions, to: .nonExistent, cause: "TopicDeletion").requests)
            // After the partition moves, so the offline-partition gauge never counts them.
            context.topicsWithDeletionStarted.formUnion(unseen)
        }
        // Brokers stop serving the topics (leader -2 in UpdateMetadata for queued topics).
        flows.sendUpdateMetadataRequest(
            brokerIDs: context.liveOrShuttingDownBrokerIDs.sorted(), partitions: topics.flatMap { context.partitionsForTopic($0) })
        try onPartitionDeletion(topics)
    }

    /// Kafka's `onPartitionDeletion`: dead replicas fail at once (topic halted); live replicas not yet deleted
    /// are stopped and asked to delete their data.
    private func onPartitionDeletion(_ topics: [String]) throws {
        var dead: [PartitionReplica] = []
        var retry: [PartitionReplica] = []
        var ineligible: Set<String> = []
        for topic in topics {
            let replicas = context.replicasForTopics([topic])
            let alive = replicas.filter { context.isReplicaOnline($0.replica, $0.topicPartition) }
            let deadReplicas = replicas.filter { !context.isReplicaOnline($0.replica, $0.topicPartition) }
            let successful = Set(context.replicasInState(topic, .deletionSuccessful))
            retry += alive.filter { !successful.contains($0) }
            dead += deadReplicas
            if !deadReplicas.isEmpty {
                logger.debug("Dead replicas (\(deadReplicas.map(\.description))) found for topic \(topic)")
                ineligible.insert(topic)
            }
        }
        flows.sender.send(try replicaStateMachine.handleStateChanges(dead, to: .deletionIneligible, cause: "TopicDeletion").requests)
        // Followers stop fetching first (StopReplica without delete), then every replica deletes its data.
        flows.sender.send(try replicaStateMachine.handleStateChanges(retry, to: .offline, cause: "TopicDeletion").requests)
        flows.sender.send(try replicaStateMachine.handleStateChanges(retry, to: .deletionStarted, cause: "TopicDeletion").requests)
        if !ineligible.isEmpty { markTopicIneligibleForDeletion(ineligible, reason: "offline replicas") }
    }
}
