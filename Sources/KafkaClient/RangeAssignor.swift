/// Kafka's `RangeAssignor` (the "range" strategy the group leader runs): for each topic, the
/// members subscribed to it, sorted by member id, get consecutive ranges of its partitions; the
/// first `partitions % members` get one extra.
public enum RangeAssignor {
    public static let name = "range"

    /// - Parameters:
    ///   - subscriptions: member id → subscribed topics.
    ///   - partitionCounts: topic → partitions (topics missing here are unknown and skipped).
    public static func assign(
        subscriptions: [String: [String]], partitionCounts: [String: Int]
    ) -> [String: [TopicPartitionKey]] {
        var assignment = Dictionary(uniqueKeysWithValues: subscriptions.keys.map { ($0, [TopicPartitionKey]()) })
        let topics = Set(subscriptions.values.flatMap { $0 }).sorted()
        for topic in topics {
            guard let count = partitionCounts[topic], count > 0 else { continue }
            let members = subscriptions.filter { $0.value.contains(topic) }.keys.sorted()
            let perMember = count / members.count
            let extra = count % members.count
            for (index, member) in members.enumerated() {
                let start = perMember * index + min(index, extra)
                let length = perMember + (index < extra ? 1 : 0)
                for partition in start..<(start + length) {
                    assignment[member]?.append(TopicPartitionKey(topic: topic, partition: Int32(partition)))
                }
            }
        }
        return assignment
    }
}
