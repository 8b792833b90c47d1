import KafkaModel

/// What partition reassignment reads and writes besides the partition states (Kafka 2.8's `KafkaZkClient`
/// calls in `onPartitionReassignment`): the seam between ``KafkaController``'s reassignment flow and ZooKeeper.
/// The ZooKeeper-mode shell implements it over the topic znodes and `/admin/reassign_partitions`; tests use an
/// in-memory fake.
///
/// Threading contract: called only on the controller event thread; calls block until the store answered.
/// A fenced write that finds a newer controller throws ``ControllerError`` with code
/// ``ControllerError/Code/controllerMoved`` (the controller must resign).
public protocol ReassignmentStore: AnyObject {
    /// Writes the full assignment of `topic` (RS, AR and RR of each partition), fenced by the controller
    /// epoch's znode version (Kafka's `setTopicAssignment`; the topic's id is kept).
    func setTopicAssignment(
        _ topic: String, _ partitions: [Int32: ReplicaAssignment], expectedControllerEpochZKVersion: Int32) throws

    /// The reassignments requested through the legacy admin path and not finished (`/admin/reassign_partitions`,
    /// Kafka's `getPartitionReassignment`): nil when there is no request; content that cannot be decoded
    /// counts as no partition.
    func pendingReassignments() throws -> [TopicPartition: [BrokerID]]?

    /// Replaces the pending requests with `remaining`, fenced; with nothing remaining the request itself is
    /// removed (Kafka deletes the znode and re-registers its creation handler, so later requests are seen).
    func setPendingReassignments(_ remaining: [TopicPartition: [BrokerID]], expectedControllerEpochZKVersion: Int32) throws

    /// Asks to be told, as a `.partitionReassignmentISRChange` event, when the ISR of `partition` changes
    /// (Kafka's `PartitionReassignmentIsrChangeHandler` on the partition's state znode). Best effort: a
    /// failure is the store's to log; the reassignment then completes on the next trigger.
    func watchISRChanges(of partition: TopicPartition)
}
