import KafkaModel

/// An immutable view of the cluster as one broker knows it: what Metadata requests are answered
/// from (Kafka's `MetadataCache` snapshot). Updates produce a new snapshot; readers never lock.
public struct MetadataSnapshot: Sendable, Hashable {
    public private(set) var controllerID: BrokerID?
    public private(set) var controllerEpoch: Int32
    public private(set) var liveBrokers: [BrokerID: BrokerInfo]
    public private(set) var partitions: [String: [Int32: PartitionMetadata]]
    public private(set) var topicIDs: [String: KafkaTopicID]

    public init() {
        controllerID = nil
        controllerEpoch = -1
        liveBrokers = [:]
        partitions = [:]
        topicIDs = [:]
    }

    /// The snapshot after `update` (Kafka's `ZkMetadataCache.updateMetadata`): brokers are
    /// replaced wholesale, partition states upserted, deleted partitions dropped, empty topics removed.
    public func applying(_ update: MetadataUpdate) -> MetadataSnapshot {
        var next = self
        next.controllerID = update.controllerID < 0 ? nil : update.controllerID
        next.controllerEpoch = update.controllerEpoch
        next.liveBrokers = Dictionary(update.liveBrokers.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        for (topic, id) in update.topicIDs where id != .zero { next.topicIDs[topic] = id }
        for state in update.partitions {
            let topic = state.topicPartition.topic
            if state.leader == PartitionMetadata.leaderDuringDelete {
                next.partitions[topic]?[state.topicPartition.partition] = nil
                if next.partitions[topic]?.isEmpty == true {
                    next.partitions[topic] = nil
                    next.topicIDs[topic] = nil
                }
            } else {
                next.partitions[topic, default: [:]][state.topicPartition.partition] = state
            }
        }
        return next
    }

    public var topics: [String] { partitions.keys.sorted() }

    /// How many partitions the cluster holds, every topic together.
    public var partitionCount: Int { partitions.values.reduce(0) { $0 + $1.count } }

    public func partitions(of topic: String) -> [PartitionMetadata] {
        (partitions[topic] ?? [:]).values.sorted { $0.topicPartition.partition < $1.topicPartition.partition }
    }

    public func partition(_ topicPartition: TopicPartition) -> PartitionMetadata? {
        partitions[topicPartition.topic]?[topicPartition.partition]
    }

    public func contains(topic: String) -> Bool { partitions[topic] != nil }

    /// Brokers that have an endpoint on `listenerName`, by id (Metadata answers per listener).
    public func aliveBrokers(listenerName: String) -> [(BrokerInfo, BrokerEndpoint)] {
        liveBrokers.values.sorted { $0.id < $1.id }.compactMap { broker in broker.endpoint(for: listenerName).map { (broker, $0) } }
    }

    public func isAlive(_ broker: BrokerID) -> Bool { liveBrokers[broker] != nil }
}
