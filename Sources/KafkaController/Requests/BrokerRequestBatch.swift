import KafkaModel

/// Collects the requests one controller operation produces, per broker, and turns them into
/// ``ControllerBrokerRequest`` values when flushed: Kafka's `ControllerBrokerRequestBatch`.
///
/// Rules (Kafka 2.8):
/// - Adding a `LeaderAndIsr` entry for a partition also adds that partition to `UpdateMetadata` for every
///   live-or-shutting-down broker. `isNew` is sticky: once true for a (broker, partition) it stays true.
/// - A `StopReplica` entry's leader epoch is ``StopReplicaPartitionState/epochDuringDelete`` if the topic is
///   queued for deletion, else the cached leader epoch, else ``StopReplicaPartitionState/noEpoch``.
///   `deletePartition` is sticky.
/// - An `UpdateMetadata` partition entry is built from the context when added; partitions without
///   leadership info are skipped; for topics queued for deletion the leader is sent as
///   ``LeaderAndISR/leaderDuringDelete`` (epoch 0, zkVersion 0).
/// - Broker ids < 0 are ignored.
/// - ``makeRequests(controllerID:controllerEpoch:context:)`` emits `LeaderAndIsr`, then `UpdateMetadata`,
///   then `StopReplica`, each only for brokers that are live or shutting down, and empties the batch.
public struct BrokerRequestBatch: Sendable {
    /// broker → partition → `LeaderAndIsr` state.
    public private(set) var leaderAndISRRequests: [BrokerID: [TopicPartition: LeaderAndISRPartitionState]] = [:]
    /// broker → partition → `StopReplica` state.
    public private(set) var stopReplicaRequests: [BrokerID: [TopicPartition: StopReplicaPartitionState]] = [:]
    /// Brokers that get an `UpdateMetadata`.
    public private(set) var updateMetadataBrokers: Set<BrokerID> = []
    /// The partitions every `UpdateMetadata` of this batch carries.
    public private(set) var updateMetadataPartitions: [TopicPartition: UpdateMetadataPartitionState] = [:]

    public init() {}

    /// Whether nothing has been added since the last flush.
    public var isEmpty: Bool {
        leaderAndISRRequests.isEmpty && stopReplicaRequests.isEmpty && updateMetadataBrokers.isEmpty
            && updateMetadataPartitions.isEmpty
    }

    /// Checks that the previous batch was flushed (Kafka's `newBatch`, which throws `IllegalStateException`).
    public func newBatch() throws(ControllerError) {
        guard isEmpty else {
            throw ControllerError(
                .illegalState,
                "Controller to broker state change requests batch is not empty while creating a new one: "
                    + "\(leaderAndISRRequests.count) LeaderAndIsr, \(stopReplicaRequests.count) StopReplica, "
                    + "\(updateMetadataBrokers.count) UpdateMetadata brokers")
        }
    }

    /// Drops everything added so far (Kafka's `clear`).
    public mutating func clear() {
        leaderAndISRRequests.removeAll()
        stopReplicaRequests.removeAll()
        updateMetadataBrokers.removeAll()
        updateMetadataPartitions.removeAll()
    }

    /// Adds `LeaderAndIsr` for `partition` to each broker, and the partition to `UpdateMetadata` for all
    /// live-or-shutting-down brokers (Kafka's `addLeaderAndIsrRequestForBrokers`).
    public mutating func addLeaderAndISRRequest(
        brokerIDs: [BrokerID], partition: TopicPartition, leaderISRAndControllerEpoch: LeaderISRAndControllerEpoch,
        assignment: ReplicaAssignment, isNew: Bool, context: ControllerContext
    ) {
        for brokerID in brokerIDs where brokerID >= 0 {
            let alreadyNew = leaderAndISRRequests[brokerID]?[partition]?.isNew ?? false
            leaderAndISRRequests[brokerID, default: [:]][partition] = LeaderAndISRPartitionState(
                topicPartition: partition, leadership: leaderISRAndControllerEpoch,
                assignment: assignment, isNew: isNew || alreadyNew)
        }
        // Every live-or-shutting-down broker, taken straight from the registry: no set is built and sorted
        // per partition.
        for brokerID in context.liveBrokers.keys where brokerID >= 0 { updateMetadataBrokers.insert(brokerID) }
        addUpdateMetadataRequest(brokerIDs: [], partitions: [partition], context: context)
    }

    /// Adds `StopReplica` for `partition` to each broker (Kafka's `addStopReplicaRequestForBrokers`).
    public mutating func addStopReplicaRequest(
        brokerIDs: [BrokerID], partition: TopicPartition, deletePartition: Bool, context: ControllerContext
    ) {
        let leaderEpoch: Int32 =
            context.isTopicQueuedUpForDeletion(partition.topic)
            ? StopReplicaPartitionState.epochDuringDelete
            : context.partitionLeadershipInfo[partition]?.leaderAndISR.leaderEpoch
                ?? StopReplicaPartitionState.noEpoch
        for brokerID in brokerIDs where brokerID >= 0 {
            let alreadyDelete = stopReplicaRequests[brokerID]?[partition]?.deletePartition ?? false
            stopReplicaRequests[brokerID, default: [:]][partition] = StopReplicaPartitionState(
                topicPartition: partition, leaderEpoch: leaderEpoch, deletePartition: alreadyDelete || deletePartition)
        }
    }

    /// Adds brokers to the `UpdateMetadata` recipients and partitions (as they are in the context now) to its
    /// content (Kafka's `addUpdateMetadataRequestForBrokers`).
    public mutating func addUpdateMetadataRequest(
        brokerIDs: [BrokerID], partitions: [TopicPartition] = [], context: ControllerContext
    ) {
        for brokerID in brokerIDs where brokerID >= 0 { updateMetadataBrokers.insert(brokerID) }
        for partition in partitions {
            guard let info = context.partitionLeadershipInfo[partition] else { continue }
            let replicas = context.partitionReplicaAssignment(partition)
            let offlineReplicas = replicas.filter { !context.isReplicaOnline($0, partition) }
            let beingDeleted = context.isTopicQueuedUpForDeletion(partition.topic)
            var leadership = info
            if beingDeleted { leadership.leaderAndISR = .duringDelete(isr: info.leaderAndISR.isr) }
            updateMetadataPartitions[partition] = UpdateMetadataPartitionState(
                topicPartition: partition, leadership: leadership, replicas: replicas, offlineReplicas: offlineReplicas)
        }
    }

    /// Flushes the batch (Kafka's `sendRequestsToBrokers`): returns `LeaderAndIsr` requests, then
    /// `UpdateMetadata`, then `StopReplica`, each sorted by broker id and only for live-or-shutting-down
    /// brokers, and empties the batch.
    public mutating func makeRequests(
        controllerID: BrokerID, controllerEpoch: Int32, context: ControllerContext
    ) -> [ControllerBrokerRequest] {
        defer { clear() }
        let reachable = context.liveOrShuttingDownBrokerIDs
        func header(_ brokerID: BrokerID) -> ControllerRequestHeader {
            ControllerRequestHeader(
                controllerID: controllerID, controllerEpoch: controllerEpoch,
                brokerEpoch: context.brokerEpoch(of: brokerID) ?? -1)
        }
        // Each broker's map is taken out of the batch before its sorted list is built, so at most one broker's
        // entries exist twice at a time (at 100,000 partitions and 3 brokers the maps and the lists together were
        // ~30 MB of the controller's peak; issue 14).
        var requests: [ControllerBrokerRequest] = []
        for brokerID in leaderAndISRRequests.keys.sorted() {
            guard let states = leaderAndISRRequests.removeValue(forKey: brokerID), reachable.contains(brokerID) else { continue }
            let sortedStates = states.values.sorted { $0.topicPartition < $1.topicPartition }
            let leaderIDs = Set(sortedStates.map(\.leader))
            let leaders = leaderIDs.sorted().compactMap { context.liveBrokers[$0] }
            requests.append(
                .leaderAndISR(
                    LeaderAndISRRequest(
                        brokerID: brokerID, header: header(brokerID), partitionStates: sortedStates,
                        liveLeaders: leaders)))
        }
        let recipients = updateMetadataBrokers.intersection(reachable).sorted()
        var partitionStates: [UpdateMetadataPartitionState] = []
        if !recipients.isEmpty { partitionStates = Self.takeSortedValues(&updateMetadataPartitions) }
        let liveBrokers = context.liveBrokers.values.sorted { $0.id < $1.id }
        for brokerID in recipients {
            requests.append(
                .updateMetadata(
                    UpdateMetadataRequest(
                        brokerID: brokerID, header: header(brokerID), partitionStates: partitionStates,
                        liveBrokers: liveBrokers)))
        }
        for brokerID in stopReplicaRequests.keys.sorted() {
            guard let states = stopReplicaRequests.removeValue(forKey: brokerID), reachable.contains(brokerID) else { continue }
            requests.append(
                .stopReplica(
                    StopReplicaRequest(
                        brokerID: brokerID, header: header(brokerID),
                        partitionStates: states.values.sorted { $0.topicPartition < $1.topicPartition })))
        }
        return requests
    }

    /// Empties `map` and returns its values sorted by partition; the map's storage is gone when this returns.
    private static func takeSortedValues(
        _ map: inout [TopicPartition: UpdateMetadataPartitionState]
    ) -> [UpdateMetadataPartitionState] {
        let taken = map
        map = [:]
        return taken.values.sorted { $0.topicPartition < $1.topicPartition }
    }
}
