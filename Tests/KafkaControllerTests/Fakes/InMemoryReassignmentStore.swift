import KafkaController
import KafkaModel

/// An in-memory stand-in for the topic assignments and the pending reassignment requests
/// (`/admin/reassign_partitions`), recording the ISR watches asked for.
final class InMemoryReassignmentStore: ReassignmentStore {
    /// Topic → the assignment last written.
    var topicAssignments: [String: [Int32: ReplicaAssignment]] = [:]
    /// The pending requests; nil: no request (the znode does not exist).
    var pending: [TopicPartition: [BrokerID]]?
    /// Partitions whose ISR is watched, in the order asked.
    private(set) var watched: [TopicPartition] = []
    /// How often the request was removed because nothing remained.
    private(set) var removals = 0
    /// When set, every write throws this (e.g. controllerMoved).
    var thrownOnWrite: ControllerError?

    func setTopicAssignment(
        _ topic: String, _ partitions: [Int32: ReplicaAssignment], expectedControllerEpochZKVersion: Int32
    ) throws {
        if let thrownOnWrite { throw thrownOnWrite }
        topicAssignments[topic] = partitions
    }

    func pendingReassignments() throws -> [TopicPartition: [BrokerID]]? { pending }

    func setPendingReassignments(_ remaining: [TopicPartition: [BrokerID]], expectedControllerEpochZKVersion: Int32) throws {
        if let thrownOnWrite { throw thrownOnWrite }
        if remaining.isEmpty {
            pending = nil
            removals += 1
        } else {
            pending = remaining
        }
    }

    func watchISRChanges(of partition: TopicPartition) { watched.append(partition) }
}
