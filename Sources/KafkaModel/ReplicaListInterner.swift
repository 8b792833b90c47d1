/// Makes equal replica lists share one array. A cluster has few distinct replica and ISR lists (3 brokers at
/// RF 3: six orders), but each partition state decoded from a LeaderAndIsr or UpdateMetadata request carries
/// its own arrays — at 100,000 partitions, hundreds of thousands of small heap blocks kept for as long as the
/// broker hosts the partition. Kafka's JVM broker keeps one `Seq` per partition too; the JVM's compact object
/// layout makes that cheaper than a Swift array's heap block.
///
/// Used per request (the broker's metadata cache and replica manager) and for as long as a controller is active
/// (its context, issue 14), where `capacity` bounds the table: once it holds that many distinct lists, new ones
/// are returned as they are, unshared.
public struct ReplicaListInterner: Sendable {
    private var lists: [[BrokerID]: [BrokerID]] = [:]
    /// Distinct lists kept at most.
    public let capacity: Int

    public init(capacity: Int = .max) { self.capacity = capacity }

    /// Distinct lists held.
    public var count: Int { lists.count }

    /// `list`, or an equal array seen before (sharing its storage).
    public mutating func intern(_ list: [BrokerID]) -> [BrokerID] {
        if list.isEmpty { return [] }
        if let shared = lists[list] { return shared }
        if lists.count < capacity { lists[list] = list }
        return list
    }
}
