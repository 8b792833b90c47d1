import KafkaModel

/// An immutable view of the cluster as one broker knows it: what Metadata requests are answered
/// from (Kafka's `MetadataCache` snapshot). Updates produce a new snapshot; readers never lock.
public struct MetadataSnapshot: Sendable, Hashable {
    public private(set) var controllerID: BrokerID?
    public private(set) var controllerEpoch: Int32
    public private(set) var liveBrokers: [BrokerID: BrokerInfo]
    /// Each topic's partition states (see ``TopicPartitionStates``).
    public private(set) var topicPartitions: [String: TopicPartitionStates]
    public private(set) var topicIDs: [String: KafkaTopicID]

    public init() {
        controllerID = nil
        controllerEpoch = -1
        liveBrokers = [:]
        topicPartitions = [:]
        topicIDs = [:]
    }

    /// The snapshot after `update` (Kafka's `ZkMetadataCache.updateMetadata`): brokers are
    /// replaced wholesale, partition states upserted, deleted partitions dropped, empty topics removed.
    public func applying(_ update: MetadataUpdate) -> MetadataSnapshot {
        var next = self
        next.apply(update)
        return next
    }

    /// ``applying(_:)`` in place: the cache updates its own value, so an update of a few partitions does not
    /// copy every topic's partition table (copy-on-write copies only while a reader holds the old snapshot).
    public mutating func apply(_ update: MetadataUpdate) {
        controllerID = update.controllerID < 0 ? nil : update.controllerID
        controllerEpoch = update.controllerEpoch
        liveBrokers = Dictionary(update.liveBrokers.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        for (topic, id) in update.topicIDs where id != .zero { topicIDs[topic] = id }
        // Equal replica, ISR and offline lists share one array: at 100,000 partitions three arrays per entry
        // were most of the cache's memory.
        var lists = ReplicaListInterner()
        for var state in update.partitions {
            state.isr = lists.intern(state.isr)
            state.replicas = lists.intern(state.replicas)
            state.offlineReplicas = lists.intern(state.offlineReplicas)
            let topic = state.topicPartition.topic
            if state.isBeingDeleted {
                topicPartitions[topic]?.remove(state.topicPartition.partition)
                if topicPartitions[topic]?.isEmpty == true {
                    topicPartitions[topic] = nil
                    topicIDs[topic] = nil
                }
            } else {
                topicPartitions[topic, default: TopicPartitionStates()].set(state)
            }
        }
    }

    public var topics: [String] { topicPartitions.keys.sorted() }

    /// How many partitions the cluster holds, every topic together.
    public var partitionCount: Int { topicPartitions.values.reduce(0) { $0 + $1.count } }

    /// Every cached partition state, by topic and partition id (built on each call: for tests and tools).
    public var partitions: [String: [Int32: UpdateMetadataPartitionState]] {
        topicPartitions.reduce(into: [:]) { result, element in
            result[element.key] = Dictionary(
                uniqueKeysWithValues: element.value.states(topic: element.key).map { ($0.topicPartition.partition, $0) })
        }
    }

    public func partitions(of topic: String) -> [UpdateMetadataPartitionState] {
        topicPartitions[topic]?.states(topic: topic) ?? []
    }

    public func partition(_ topicPartition: TopicPartition) -> UpdateMetadataPartitionState? {
        topicPartitions[topicPartition.topic]?.state(topic: topicPartition.topic, partition: topicPartition.partition)
    }

    public func contains(topic: String) -> Bool { topicPartitions[topic] != nil }

    /// Brokers that have an endpoint on `listenerName`, by id (Metadata answers per listener).
    public func aliveBrokers(listenerName: String) -> [(BrokerInfo, BrokerEndpoint)] {
        liveBrokers.values.sorted { $0.id < $1.id }.compactMap { broker in broker.endpoint(for: listenerName).map { (broker, $0) } }
    }

    public func isAlive(_ broker: BrokerID) -> Bool { liveBrokers[broker] != nil }
}
