import Foundation

/// The assignors `partition.assignment.strategy` can name (Kafka 2.8 `ConsumerConfig`): Kafka's class
/// names or the protocol names. The consumer offers them in JoinGroup in the configured order (the
/// coordinator picks the one every member supports that most members prefer), and a leader runs the
/// one the coordinator chose.
public enum PartitionAssignmentStrategy: String, Sendable, Hashable, CaseIterable {
    case range
    case roundRobin = "roundrobin"

    public init?(configValue: String) {
        switch configValue.trimmingCharacters(in: .whitespaces) {
        case "range", "org.apache.kafka.clients.consumer.RangeAssignor": self = .range
        case "roundrobin", "org.apache.kafka.clients.consumer.RoundRobinAssignor": self = .roundRobin
        default: return nil
        }
    }

    /// The JoinGroup protocol name.
    public var protocolName: String { rawValue }

    /// Runs the assignor. - Parameter groupInstanceIds: member id → `group.instance.id` (round robin sorts by it).
    public func assign(
        subscriptions: [String: [String]], partitionCounts: [String: Int], groupInstanceIds: [String: String]
    ) -> [String: [TopicPartitionKey]] {
        switch self {
        case .range: RangeAssignor.assign(subscriptions: subscriptions, partitionCounts: partitionCounts)
        case .roundRobin: RoundRobinAssignor.assign(subscriptions: subscriptions, partitionCounts: partitionCounts, groupInstanceIds: groupInstanceIds)
        }
    }
}
