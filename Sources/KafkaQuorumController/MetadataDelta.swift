import KafkaMetadata
import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol

/// Committed records applied on top of an image (Kafka 3.3's `image.MetadataDelta`): the next image, and
/// what changed for one broker's replicas, which is what LeaderAndIsr and StopReplica tell a broker in
/// ZooKeeper mode (`TopicsDelta.localChanges`, applied by `ReplicaManager.applyDelta`).
///
/// The delta remembers what its records touched (``Touched``, Kafka's `TopicsDelta.changedTopics` and
/// `ClusterDelta.changedBrokers`), so publishing it costs what changed, not the size of the cluster: the
/// metadata cache gets only the changed partitions (``metadataUpdate(controllerID:controllerEpoch:)``) and
/// the broker looks only at them for its own replicas (``localChanges(broker:)``). A delta that replaces the
/// image (a snapshot) compares everything.
public struct MetadataDelta: Sendable, Hashable {
    /// What the replayed records touched.
    public struct Touched: Sendable, Hashable {
        /// Partitions with a PartitionRecord or PartitionChangeRecord, by topic id.
        public var partitions: [KafkaUUID: Set<Int32>] = [:]
        /// Topics with a RemoveTopicRecord.
        public var removedTopics: Set<KafkaUUID> = []
        /// Brokers with a registration, unregistration, fencing, unfencing or registration change.
        public var brokers: Set<BrokerID> = []
    }

    public let base: MetadataImage
    public private(set) var image: MetadataImage
    /// nil when the delta replaces the image wholesale: anything may have changed.
    public private(set) var touched: Touched?

    public init(base: MetadataImage) {
        self.base = base
        self.image = base
        self.touched = Touched()
    }

    /// A delta from `base` to an image loaded from elsewhere (a snapshot): everything not in `image` is
    /// gone, everything that differs changed (Kafka's `MetadataDelta` built by `SnapshotLoader`).
    public init(base: MetadataImage, replacingWith image: MetadataImage) {
        self.base = base
        self.image = image
        self.touched = nil
    }

    public mutating func replay(_ record: MetadataRecord, offset: Int64) {
        image.state.replay(record, offset: offset)
        guard touched != nil else { return }
        switch record {
        case .partition(let r): touched!.partitions[r.topicId, default: []].insert(r.partitionId)
        case .partitionChange(let r): touched!.partitions[r.topicId, default: []].insert(r.partitionId)
        case .removeTopic(let r): touched!.removedTopics.insert(r.topicId)
        case .registerBroker(let r): touched!.brokers.insert(r.brokerId)
        case .unregisterBroker(let r): touched!.brokers.insert(r.brokerId)
        case .fenceBroker(let r): touched!.brokers.insert(r.id)
        case .unfenceBroker(let r): touched!.brokers.insert(r.id)
        case .brokerRegistrationChange(let r): touched!.brokers.insert(r.brokerId)
        case .topic, .config, .featureLevel, .noOp, .producerIDs: break
        }
    }

    /// The partitions whose state in the metadata cache may differ between `base` and `image`, by topic id
    /// (existing topics only): those the records touched, plus every partition with a replica on a broker
    /// whose liveness changed (its offline replicas did). nil for a replacing delta.
    func changedPartitions() -> [KafkaUUID: Set<Int32>]? {
        guard var changed = touched?.partitions else { return nil }
        func alive(_ broker: BrokerID, in image: MetadataImage) -> Bool { image.state.brokers[broker].map { !$0.fenced } ?? false }
        let livenessChanged = touched!.brokers.filter { alive($0, in: base) != alive($0, in: image) }
        if !livenessChanged.isEmpty {
            for topic in image.state.topics.values {
                for (id, partition) in topic.partitions where partition.replicas.contains(where: livenessChanged.contains) {
                    changed[topic.id, default: []].insert(id)
                }
            }
        }
        return changed.filter { image.state.topics[$0.key] != nil }
    }

    /// This delta as an UpdateMetadata for the broker's ``MetadataCache``: the live brokers (always all of them,
    /// as UpdateMetadata carries them), removed topics' partitions with leader -2 first (so a topic re-created
    /// under the same name in the same delta is not dropped), then the changed partitions' states. The cache
    /// built from a log's deltas equals the one built from ``MetadataImage/metadataUpdate(controllerID:controllerEpoch:previous:)``
    /// of the last image, except that each partition keeps the epoch of the delta that last changed it (as a
    /// partition state znode keeps its controller epoch in ZooKeeper mode).
    public func metadataUpdate(controllerID: BrokerID, controllerEpoch: Int32) -> MetadataUpdate {
        guard let changed = changedPartitions() else {
            return image.metadataUpdate(controllerID: controllerID, controllerEpoch: controllerEpoch, previous: base)
        }
        let alive = image.state.brokers.values.filter { !$0.fenced }.sorted { $0.id < $1.id }
        let aliveIDs = Set(alive.map(\.id))
        var partitions: [UpdateMetadataPartitionState] = []
        var topicIDs: [String: KafkaTopicID] = [:]
        let removed = touched!.removedTopics.compactMap { id in image.state.topics[id] == nil ? base.state.topics[id] : nil }
        for topic in removed.sorted(by: { $0.name < $1.name }) {
            for id in topic.partitions.keys.sorted() {
                partitions.append(topic.partitions[id]!.removalState(
                    TopicPartition(topic: topic.name, partition: id), controllerEpoch: controllerEpoch))
            }
        }
        for topic in changed.keys.compactMap({ image.state.topics[$0] }).sorted(by: { $0.name < $1.name }) {
            topicIDs[topic.name] = KafkaTopicID(uuid: topic.id)
            for id in changed[topic.id]!.sorted() {
                guard let p = topic.partitions[id] else { continue }
                partitions.append(p.updateMetadataState(
                    TopicPartition(topic: topic.name, partition: id), controllerEpoch: controllerEpoch, alive: aliveIDs))
            }
        }
        return MetadataUpdate(
            controllerID: controllerID, controllerEpoch: controllerEpoch, liveBrokers: alive.map(\.brokerInfo),
            partitions: partitions, topicIDs: topicIDs)
    }

    /// `TopicsDelta.localChanges(brokerId)`: for every partition that changed (its partition epoch moved,
    /// or it is new), the broker becomes its leader if it is the leader, a follower if it is another replica,
    /// and deletes its replica when it is no longer one, or when the topic was removed. Only the touched
    /// partitions and removed topics are looked at, unless the delta replaces the image.
    public func localChanges(broker: BrokerID) -> LocalReplicaChanges {
        var changes = LocalReplicaChanges()
        let candidates: [(TopicControlInfo, [Int32])]
        if let touched {
            candidates = touched.partitions.compactMap { id, partitions in image.state.topics[id].map { ($0, partitions.sorted()) } }
                .sorted { $0.0.name < $1.0.name }
        } else {
            candidates = image.state.topics.values.sorted(by: { $0.name < $1.name }).map { ($0, $0.partitions.keys.sorted()) }
        }
        for (topic, ids) in candidates {
            let previous = base.state.topics[topic.id]
            for id in ids {
                guard let now = topic.partitions[id] else { continue }
                let before = previous?.partitions[id]
                let tp = TopicPartition(topic: topic.name, partition: id)
                if !now.replicas.contains(broker) {
                    if before?.replicas.contains(broker) == true { changes.deletes.append(tp) }
                } else if before?.partitionEpoch != now.partitionEpoch || before == nil {
                    if now.leader == broker {
                        changes.leaders[tp] = now
                    } else {
                        changes.followers[tp] = now
                    }
                }
            }
        }
        let removed = touched.map { $0.removedTopics.compactMap { base.state.topics[$0] } } ?? Array(base.state.topics.values)
        for topic in removed.sorted(by: { $0.name < $1.name }) where image.state.topics[topic.id] == nil {
            for id in topic.partitions.keys.sorted() where topic.partitions[id]!.replicas.contains(broker) {
                changes.deletes.append(TopicPartition(topic: topic.name, partition: id))
            }
        }
        return changes
    }
}
