import KafkaModel

/// One topic's partition states in the metadata cache, in an array indexed by partition id. Kafka's partition
/// ids are dense (0..<n), so an array costs one slot per partition where a `[Int32: UpdateMetadataPartitionState]`
/// cost a hash table at most 3/4 full whose entries each repeated the topic name (issue 14: about 150 bytes per
/// partition, 48 in the array; every broker caches every partition of the cluster).
public struct TopicPartitionStates: Sendable, Hashable {
    /// A partition's state without its topic and partition id, which the table's position gives.
    struct Entry: Sendable, Hashable {
        var leadership: LeaderISRAndControllerEpoch
        var replicas: [BrokerID]
        var offlineReplicas: [BrokerID]
    }

    private var entries: [Entry?] = []
    /// Partitions present.
    public private(set) var count = 0

    public init() {}

    public var isEmpty: Bool { count == 0 }

    /// The state of `partition` of `topic`, if cached.
    public func state(topic: String, partition: Int32) -> UpdateMetadataPartitionState? {
        guard partition >= 0, Int(partition) < entries.count, let entry = entries[Int(partition)] else { return nil }
        return UpdateMetadataPartitionState(
            topicPartition: TopicPartition(topic: topic, partition: partition), leadership: entry.leadership,
            replicas: entry.replicas, offlineReplicas: entry.offlineReplicas)
    }

    /// Every cached partition of `topic`, by partition id.
    public func states(topic: String) -> [UpdateMetadataPartitionState] {
        entries.indices.compactMap { state(topic: topic, partition: Int32($0)) }
    }

    /// Stores `state` at its partition id.
    public mutating func set(_ state: UpdateMetadataPartitionState) {
        let index = Int(state.topicPartition.partition)
        guard index >= 0 else { return }
        if index >= entries.count { entries.append(contentsOf: repeatElement(nil, count: index + 1 - entries.count)) }
        if entries[index] == nil { count += 1 }
        entries[index] = Entry(leadership: state.leadership, replicas: state.replicas, offlineReplicas: state.offlineReplicas)
    }

    /// Drops `partition`.
    public mutating func remove(_ partition: Int32) {
        let index = Int(partition)
        guard index >= 0, index < entries.count, entries[index] != nil else { return }
        entries[index] = nil
        count -= 1
        while let last = entries.last, last == nil { entries.removeLast() }
    }
}
