/// Kafka's `RoundRobinAssignor` (the "roundrobin" strategy): every subscribed partition, topics
/// sorted and partitions in order, goes to the next member in a circle of the members sorted
/// (by `group.instance.id` first when members have one, then by member id — Kafka's `MemberInfo`),
/// skipping members not subscribed to the partition's topic.
public enum RoundRobinAssignor {
    public static let name = "roundrobin"

    /// - Parameters:
    ///   - subscriptions: member id → subscribed topics.
    ///   - partitionCounts: topic → partitions (topics missing here are unknown and skipped).
    ///   - groupInstanceIds: member id → `group.instance.id` of static members.
    public static func assign(
        subscriptions: [String: [String]], partitionCounts: [String: Int], groupInstanceIds: [String: String] = [:]
    ) -> [String: [TopicPartitionKey]] {
        var assignment = Dictionary(uniqueKeysWithValues: subscriptions.keys.map { ($0, [TopicPartitionKey]()) })
        let circle = subscriptions.keys.sorted { lhs, rhs in
            switch (groupInstanceIds[lhs], groupInstanceIds[rhs]) {
            case let (left?, right?): left != right ? left < right : lhs < rhs
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): lhs < rhs
            }
        }
        guard !circle.isEmpty else { return assignment }
        let subscribed = subscriptions.mapValues(Set.init)
        var next = 0
        for topic in Set(subscriptions.values.flatMap { $0 }).sorted() {
            guard let count = partitionCounts[topic], count > 0 else { continue }
            for partition in 0..<count {
                // Some member subscribes to `topic`, so this ends within one turn of the circle.
                while !(subscribed[circle[next]]?.contains(topic) ?? false) { next = (next + 1) % circle.count }
                assignment[circle[next]]?.append(TopicPartitionKey(topic: topic, partition: Int32(partition)))
                next = (next + 1) % circle.count
            }
        }
        return assignment
    }
}
