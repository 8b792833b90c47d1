import KafkaModel

/// Makes equal replica lists share one array. A cluster has few distinct replica and ISR lists (3 brokers at
/// RF 3: six orders), but each partition state decoded from a LeaderAndIsr or UpdateMetadata request carries
/// its own arrays — at 100,000 partitions, hundreds of thousands of small heap blocks kept for as long as the
/// broker hosts the partition. Kafka's JVM broker keeps one `Seq` per partition too; the JVM's compact object
/// layout makes that cheaper than a Swift array's heap block.
public struct ReplicaListInterner: Sendable {
    private var lists: [[BrokerID]: [BrokerID]] = [:]

    public init() {}

    /// `list`, or an equal array seen before (sharing its storage).
    public mutating func intern(_ list: [BrokerID]) -> [BrokerID] {
        if list.isEmpty { return [] }
        if let shared = lists[list] { return shared }
        lists[list] = list
        return list
    }
}
