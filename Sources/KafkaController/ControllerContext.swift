import KafkaModel

/// Everything the active controller knows about the cluster, in memory: Kafka's `ControllerContext`.
///
/// Threading contract: confined to the controller event thread. It has no locks on purpose — only the
/// processor's `process` (and the state machines it calls) may read or write it.
///
/// The shell fills it from ZooKeeper during failover (brokers, topics, assignments, partition states); the
/// state machines and flows keep it current afterwards. Counters Kafka maintains incrementally (offline
/// partitions, preferred-replica imbalance) are computed on demand here.
public final class ControllerContext {
    // MARK: - Controller epoch

    /// The controller epoch this controller won (`/controller_epoch` value).
    public var epoch: Int32 = 0
    /// The zkVersion of `/controller_epoch` after this controller's election: the fencing token of every
    /// controller write.
    public var epochZKVersion: Int32 = 0

    // MARK: - Brokers

    /// Registered brokers by id, including the shutting-down ones; each carries its broker epoch (czxid).
    public private(set) var liveBrokers: [BrokerID: BrokerInfo] = [:]
    /// Brokers in controlled shutdown: still registered and still sent requests, but not "live" for elections.
    public var shuttingDownBrokerIDs: Set<BrokerID> = []
    /// Replicas a broker reported on a failed log directory (`KAFKA_STORAGE_ERROR`).
    public var replicasOnOfflineDirectories: [BrokerID: Set<TopicPartition>] = [:]

    // MARK: - Topics and partitions

    /// Every topic the controller knows.
    public private(set) var allTopics: Set<String> = []
    /// topic → partition → assignment.
    public private(set) var partitionAssignments: [String: [Int32: ReplicaAssignment]] = [:]
    /// The last leader, ISR and epochs the controller wrote or read for each partition.
    public private(set) var partitionLeadershipInfo: [TopicPartition: LeaderISRAndControllerEpoch] = [:]
    /// Partitions with a reassignment in flight.
    public var partitionsBeingReassigned: Set<TopicPartition> = []
    /// Partition state machine states.
    public private(set) var partitionStates: [TopicPartition: PartitionState] = [:]
    /// Replica state machine states.
    public private(set) var replicaStates: [PartitionReplica: ReplicaState] = [:]

    // MARK: - Topic deletion

    /// Topics queued for deletion.
    public var topicsToBeDeleted: Set<String> = []
    /// Queued topics whose deletion has started (their partitions no longer count as offline).
    public var topicsWithDeletionStarted: Set<String> = []
    /// Queued topics that cannot be deleted right now (a replica is offline or a reassignment is running).
    public var topicsIneligibleForDeletion: Set<String> = []

    // MARK: - Memory

    /// Equal replica lists and ISRs of assignments and leaderships share one array (issue 14: at 100,000
    /// partitions the controller's broker held 200,000 three-element arrays of its own, about 10 MB). Bounded:
    /// past `replicaListCapacity` distinct lists, new ones are stored unshared.
    private var replicaLists = ReplicaListInterner(capacity: ControllerContext.replicaListCapacity)
    static let replicaListCapacity = 4_096

    public init() {}

    // MARK: - Brokers

    /// Live brokers that are not shutting down: the ones eligible for leadership (Kafka's `liveBrokerIds`).
    public var liveBrokerIDs: Set<BrokerID> { Set(liveBrokers.keys).subtracting(shuttingDownBrokerIDs) }

    /// All registered brokers, including shutting-down ones: the ones requests are sent to.
    public var liveOrShuttingDownBrokerIDs: Set<BrokerID> { Set(liveBrokers.keys) }

    /// Broker id → broker epoch for every registered broker (Kafka's `liveBrokerIdAndEpochs`).
    public var liveBrokerIDAndEpochs: [BrokerID: Int64] { liveBrokers.mapValues(\.epoch) }

    /// The broker epoch of a registered broker.
    public func brokerEpoch(of brokerID: BrokerID) -> Int64? { liveBrokers[brokerID]?.epoch }

    /// Whether the broker is registered and not shutting down.
    public func isLiveBroker(_ brokerID: BrokerID) -> Bool {
        liveBrokers[brokerID] != nil && !shuttingDownBrokerIDs.contains(brokerID)
    }

    /// Adds (or replaces) registered brokers.
    public func addLiveBrokers(_ brokers: [BrokerInfo]) {
        for broker in brokers { liveBrokers[broker.id] = broker }
    }

    /// Removes brokers that are gone.
    public func removeLiveBrokers(_ brokerIDs: Set<BrokerID>) {
        for id in brokerIDs { liveBrokers[id] = nil }
    }

    /// Replaces a broker's registration (endpoints or features changed), keeping it live.
    public func updateBrokerMetadata(_ broker: BrokerInfo) { liveBrokers[broker.id] = broker }

    /// Replaces the whole set of registered brokers (failover).
    public func setLiveBrokers(_ brokers: [BrokerInfo]) {
        liveBrokers = Dictionary(brokers.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Whether the replica of `partition` on `brokerID` can serve: its broker is live (or, if asked,
    /// shutting down) and the partition is not on a failed log directory (Kafka's `isReplicaOnline`).
    public func isReplicaOnline(
        _ brokerID: BrokerID, _ partition: TopicPartition, includeShuttingDownBrokers: Bool = false
    ) -> Bool {
        let brokerOnline =
            includeShuttingDownBrokers
            ? liveBrokers[brokerID] != nil
            : isLiveBroker(brokerID)
        return brokerOnline && !(replicasOnOfflineDirectories[brokerID]?.contains(partition) ?? false)
    }

    // MARK: - Topics and assignments

    /// Registers a topic (with no partitions yet).
    public func addTopic(_ topic: String) { allTopics.insert(topic) }

    /// Forgets a topic: its assignments, leadership, partition and replica states.
    public func removeTopic(_ topic: String) {
        allTopics.remove(topic)
        // Indexed by the topic's assignment instead of filtering every partition of the cluster.
        for (id, assignment) in partitionAssignments[topic] ?? [:] {
            let partition = TopicPartition(topic: topic, partition: id)
            partitionLeadershipInfo[partition] = nil
            partitionStates[partition] = nil
            for replica in Set(assignment.replicas + assignment.addingReplicas + assignment.removingReplicas) {
                replicaStates[PartitionReplica(topicPartition: partition, replica: replica)] = nil
            }
        }
        partitionAssignments[topic] = nil
        topicsToBeDeleted.remove(topic)
        topicsWithDeletionStarted.remove(topic)
        topicsIneligibleForDeletion.remove(topic)
    }

    /// Sets a partition's assignment; the topic becomes known if it was not.
    public func updatePartitionFullReplicaAssignment(_ partition: TopicPartition, _ assignment: ReplicaAssignment) {
        allTopics.insert(partition.topic)
        var assignment = assignment
        assignment.replicas = replicaLists.intern(assignment.replicas)
        assignment.addingReplicas = replicaLists.intern(assignment.addingReplicas)
        assignment.removingReplicas = replicaLists.intern(assignment.removingReplicas)
        partitionAssignments[partition.topic, default: [:]][partition.partition] = assignment
    }

    /// A partition's assignment (replicas, adding, removing); empty if unknown.
    public func partitionFullReplicaAssignment(_ partition: TopicPartition) -> ReplicaAssignment {
        partitionAssignments[partition.topic]?[partition.partition] ?? ReplicaAssignment(replicas: [])
    }

    /// A partition's replicas in preference order; empty if unknown.
    public func partitionReplicaAssignment(_ partition: TopicPartition) -> [BrokerID] {
        partitionFullReplicaAssignment(partition).replicas
    }

    /// Every known partition, sorted.
    public var allPartitions: [TopicPartition] {
        partitionAssignments.flatMap { topic, partitions in
            partitions.keys.map { TopicPartition(topic: topic, partition: $0) }
        }.sorted()
    }

    /// The partitions of one topic, sorted.
    public func partitionsForTopic(_ topic: String) -> [TopicPartition] {
        (partitionAssignments[topic]?.keys.map { TopicPartition(topic: topic, partition: $0) } ?? []).sorted()
    }

    /// The partitions with a replica on `brokerID` (Kafka's `partitionsOnBroker`), sorted.
    public func partitionsOnBroker(_ brokerID: BrokerID) -> [TopicPartition] {
        allPartitions.filter { partitionReplicaAssignment($0).contains(brokerID) }
    }

    /// The partitions `brokerID` currently leads (Kafka's `partitionLeadersOnBroker`), sorted.
    public func partitionsLedByBroker(_ brokerID: BrokerID) -> [TopicPartition] {
        partitionLeadershipInfo.filter { $0.value.leaderAndISR.leader == brokerID }.keys.sorted()
    }

    /// Every replica hosted on one of `brokerIDs` (Kafka's `replicasOnBrokers`), sorted.
    public func replicasOnBrokers(_ brokerIDs: Set<BrokerID>) -> [PartitionReplica] {
        allPartitions.flatMap { partition in
            partitionReplicaAssignment(partition).filter(brokerIDs.contains).map {
                PartitionReplica(topicPartition: partition, replica: $0)
            }
        }
    }

    /// Every replica of every partition of `topics`, sorted.
    /// Indexed by topic: the whole-cluster partition list is neither built nor sorted (topic-deletion
    /// initialisation calls this once per queued topic).
    public func replicasForTopics(_ topics: Set<String>) -> [PartitionReplica] {
        topics.sorted().flatMap { topic in
            partitionsForTopic(topic).flatMap { partition in
                partitionReplicaAssignment(partition).map { PartitionReplica(topicPartition: partition, replica: $0) }
            }
        }
    }

    /// Every assigned replica split by ``isReplicaOnline(_:_:includeShuttingDownBrokers:)`` (Kafka's
    /// `onlineAndOfflineReplicas`).
    public func onlineAndOfflineReplicas() -> (online: [PartitionReplica], offline: [PartitionReplica]) {
        var online: [PartitionReplica] = []
        var offline: [PartitionReplica] = []
        for partition in allPartitions {
            for replica in partitionReplicaAssignment(partition) {
                let item = PartitionReplica(topicPartition: partition, replica: replica)
                if isReplicaOnline(replica, partition) { online.append(item) } else { offline.append(item) }
            }
        }
        return (online, offline)
    }

    // MARK: - Leadership

    /// Records the leader, ISR and epochs of a partition.
    public func putPartitionLeadershipInfo(_ partition: TopicPartition, _ info: LeaderISRAndControllerEpoch) {
        var info = info
        info.leaderAndISR.isr = replicaLists.intern(info.leaderAndISR.isr)
        partitionLeadershipInfo[partition] = info
    }

    /// Forgets the leadership of a partition.
    public func removePartitionLeadershipInfo(_ partition: TopicPartition) {
        partitionLeadershipInfo[partition] = nil
    }

    /// Forgets every partition's leadership (failover reload).
    public func clearPartitionLeadershipInfo() { partitionLeadershipInfo.removeAll() }

    // MARK: - State machine states

    /// A partition's state; ``PartitionState/nonExistent`` if it has none.
    public func partitionState(_ partition: TopicPartition) -> PartitionState {
        partitionStates[partition] ?? .nonExistent
    }

    /// Sets a partition's state without validation: state machines validate first.
    public func putPartitionState(_ partition: TopicPartition, _ state: PartitionState) {
        partitionStates[partition] = state
    }

    /// Sets a partition's state only if it has none yet (Kafka's `putPartitionStateIfNotExists`).
    public func putPartitionStateIfNotExists(_ partition: TopicPartition, _ state: PartitionState) {
        if partitionStates[partition] == nil { partitionStates[partition] = state }
    }

    /// Splits `partitions` into those allowed to move to `target` and those not (Kafka's
    /// `checkValidPartitionStateChange`).
    public func checkValidPartitionStateChange(
        _ partitions: [TopicPartition], to target: PartitionState
    ) -> (valid: [TopicPartition], invalid: [TopicPartition]) {
        var valid: [TopicPartition] = []
        var invalid: [TopicPartition] = []
        for partition in partitions {
            if target.isValidTransition(from: partitionState(partition)) {
                valid.append(partition)
            } else {
                invalid.append(partition)
            }
        }
        return (valid, invalid)
    }

    /// Partitions currently in one of `states`, sorted.
    public func partitionsInStates(_ states: Set<PartitionState>) -> [TopicPartition] {
        partitionStates.filter { states.contains($0.value) }.keys.sorted()
    }

    /// A replica's state; ``ReplicaState/nonExistent`` if it has none.
    public func replicaState(_ replica: PartitionReplica) -> ReplicaState {
        replicaStates[replica] ?? .nonExistent
    }

    /// Sets a replica's state without validation: state machines validate first.
    public func putReplicaState(_ replica: PartitionReplica, _ state: ReplicaState) {
        replicaStates[replica] = state
    }

    /// Sets a replica's state only if it has none yet.
    public func putReplicaStateIfNotExists(_ replica: PartitionReplica, _ state: ReplicaState) {
        if replicaStates[replica] == nil { replicaStates[replica] = state }
    }

    /// Forgets a replica's state (it became ``ReplicaState/nonExistent``).
    public func removeReplicaState(_ replica: PartitionReplica) { replicaStates[replica] = nil }

    /// Splits `replicas` into those allowed to move to `target` and those not.
    public func checkValidReplicaStateChange(
        _ replicas: [PartitionReplica], to target: ReplicaState
    ) -> (valid: [PartitionReplica], invalid: [PartitionReplica]) {
        var valid: [PartitionReplica] = []
        var invalid: [PartitionReplica] = []
        for replica in replicas {
            if target.isValidTransition(from: replicaState(replica)) {
                valid.append(replica)
            } else {
                invalid.append(replica)
            }
        }
        return (valid, invalid)
    }

    /// Replicas of the given topics that are in `state`, sorted (Kafka's `replicasInState`).
    public func replicasInState(_ topic: String, _ state: ReplicaState) -> [PartitionReplica] {
        replicaStates.filter { $0.key.topicPartition.topic == topic && $0.value == state }.keys.sorted()
    }

    // MARK: - Topic deletion

    /// Whether the topic is queued for deletion.
    public func isTopicQueuedUpForDeletion(_ topic: String) -> Bool { topicsToBeDeleted.contains(topic) }

    /// Whether the topic's deletion has started.
    public func isTopicDeletionInProgress(_ topic: String) -> Bool { topicsWithDeletionStarted.contains(topic) }

    // MARK: - Gauges

    /// Partitions in ``PartitionState/offline``, not counting topics whose deletion has started (Kafka's
    /// `OfflinePartitionsCount`).
    public var offlinePartitionCount: Int {
        partitionStates.count { $0.value == .offline && !topicsWithDeletionStarted.contains($0.key.topic) }
    }

    /// Whether the partition is led by its preferred (first) replica. During a reassignment whose preferred
    /// replica is still being added, the partition only counts as imbalanced once that replica is in the ISR.
    public func hasPreferredLeader(_ partition: TopicPartition) -> Bool {
        let assignment = partitionFullReplicaAssignment(partition)
        guard let preferred = assignment.replicas.first, let info = partitionLeadershipInfo[partition] else {
            return true
        }
        if assignment.isBeingReassigned && assignment.addingReplicas.contains(preferred) {
            return !info.leaderAndISR.isr.contains(preferred)
        }
        return info.leaderAndISR.leader == preferred
    }

    /// Partitions with leadership info not led by their preferred replica, not counting topics queued for
    /// deletion (Kafka's `PreferredReplicaImbalanceCount`).
    public var preferredReplicaImbalanceCount: Int {
        partitionLeadershipInfo.keys.count { !isTopicQueuedUpForDeletion($0.topic) && !hasPreferredLeader($0) }
    }

    /// The number of known partitions (Kafka's `GlobalPartitionCount`).
    public var partitionCount: Int { partitionAssignments.values.reduce(0) { $0 + $1.count } }

    // MARK: - Reset

    /// Forgets everything (Kafka's `resetContext`, on resignation).
    public func resetContext() {
        epoch = 0
        epochZKVersion = 0
        liveBrokers.removeAll()
        shuttingDownBrokerIDs.removeAll()
        replicasOnOfflineDirectories.removeAll()
        allTopics.removeAll()
        partitionAssignments.removeAll()
        partitionLeadershipInfo.removeAll()
        partitionsBeingReassigned.removeAll()
        partitionStates.removeAll()
        replicaStates.removeAll()
        topicsToBeDeleted.removeAll()
        topicsWithDeletionStarted.removeAll()
        topicsIneligibleForDeletion.removeAll()
        replicaLists = ReplicaListInterner(capacity: Self.replicaListCapacity)
    }
}
