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
    /// broker → its `LeaderAndIsr` states (see ``PartitionStateList``: arrays, not maps; issue 14).
    private var leaderAndISRLists: [BrokerID: PartitionStateList<LeaderAndISRPartitionState>] = [:]
    /// broker → its `StopReplica` states.
    private var stopReplicaLists: [BrokerID: PartitionStateList<StopReplicaPartitionState>] = [:]
    /// Brokers that get an `UpdateMetadata`.
    public private(set) var updateMetadataBrokers: Set<BrokerID> = []
    /// The partitions every `UpdateMetadata` of this batch carries.
    private var updateMetadataList = PartitionStateList<UpdateMetadataPartitionState>()

    /// broker → partition → `LeaderAndIsr` state (for inspection).
    public var leaderAndISRRequests: [BrokerID: [TopicPartition: LeaderAndISRPartitionState]] {
        leaderAndISRLists.mapValues(\.byPartition)
    }
    /// broker → partition → `StopReplica` state (for inspection).
    public var stopReplicaRequests: [BrokerID: [TopicPartition: StopReplicaPartitionState]] {
        stopReplicaLists.mapValues(\.byPartition)
    }
    /// The partitions every `UpdateMetadata` of this batch carries, by partition (for inspection).
    public var updateMetadataPartitions: [TopicPartition: UpdateMetadataPartitionState] { updateMetadataList.byPartition }

    public init() {}

    /// Whether nothing has been added since the last flush.
    public var isEmpty: Bool {
        leaderAndISRLists.isEmpty && stopReplicaLists.isEmpty && updateMetadataBrokers.isEmpty
            && updateMetadataList.isEmpty
    }

    /// Checks that the previous batch was flushed (Kafka's `newBatch`, which throws `IllegalStateException`).
    public func newBatch() throws(ControllerError) {
        guard isEmpty else {
            throw ControllerError(
                .illegalState,
                "Controller to broker state change requests batch is not empty while creating a new one: "
                    + "\(leaderAndISRLists.count) LeaderAndIsr, \(stopReplicaLists.count) StopReplica, "
                    + "\(updateMetadataBrokers.count) UpdateMetadata brokers")
        }
    }

    /// Drops everything added so far (Kafka's `clear`).
    public mutating func clear() {
        leaderAndISRLists.removeAll()
        stopReplicaLists.removeAll()
        updateMetadataBrokers.removeAll()
        updateMetadataList = PartitionStateList()
    }

    /// Adds `LeaderAndIsr` for `partition` to each broker, and the partition to `UpdateMetadata` for all
    /// live-or-shutting-down brokers (Kafka's `addLeaderAndIsrRequestForBrokers`).
    public mutating func addLeaderAndISRRequest(
        brokerIDs: [BrokerID], partition: TopicPartition, leaderISRAndControllerEpoch: LeaderISRAndControllerEpoch,
        assignment: ReplicaAssignment, isNew: Bool, context: ControllerContext
    ) {
        for brokerID in brokerIDs where brokerID >= 0 {
            // An earlier entry's `isNew` sticks (`absorbing`).
            leaderAndISRLists[brokerID, default: PartitionStateList()].add(
                LeaderAndISRPartitionState(
                    topicPartition: partition, leadership: leaderISRAndControllerEpoch, assignment: assignment, isNew: isNew))
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
            // An earlier entry's `deletePartition` sticks (`absorbing`).
            stopReplicaLists[brokerID, default: PartitionStateList()].add(
                StopReplicaPartitionState(topicPartition: partition, leaderEpoch: leaderEpoch, deletePartition: deletePartition))
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
            updateMetadataList.add(
                UpdateMetadataPartitionState(
                    topicPartition: partition, leadership: leadership, replicas: replicas, offlineReplicas: offlineReplicas))
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
        // Each broker's list is handed over as the request's (sorted and merged first if it was added out of
        // order): no map of the states and no sorted copy next to it (issue 14).
        var requests: [ControllerBrokerRequest] = []
        for brokerID in leaderAndISRLists.keys.sorted() {
            guard var list = leaderAndISRLists.removeValue(forKey: brokerID), reachable.contains(brokerID) else { continue }
            let sortedStates = list.take()
            let leaderIDs = Set(sortedStates.map(\.leader))
            let leaders = leaderIDs.sorted().compactMap { context.liveBrokers[$0] }
            requests.append(
                .leaderAndISR(
                    LeaderAndISRRequest(
                        brokerID: brokerID, header: header(brokerID), partitionStates: sortedStates,
                        liveLeaders: leaders)))
        }
        let recipients = updateMetadataBrokers.intersection(reachable).sorted()
        let partitionStates = recipients.isEmpty ? [] : updateMetadataList.take()
        let liveBrokers = context.liveBrokers.values.sorted { $0.id < $1.id }
        for brokerID in recipients {
            requests.append(
                .updateMetadata(
                    UpdateMetadataRequest(
                        brokerID: brokerID, header: header(brokerID), partitionStates: partitionStates,
                        liveBrokers: liveBrokers)))
        }
        for brokerID in stopReplicaLists.keys.sorted() {
            guard var list = stopReplicaLists.removeValue(forKey: brokerID), reachable.contains(brokerID) else { continue }
            requests.append(
                .stopReplica(StopReplicaRequest(brokerID: brokerID, header: header(brokerID), partitionStates: list.take())))
        }
        return requests
    }
}
