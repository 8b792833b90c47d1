import KafkaModel

/// Where a leader writes ISR changes: in ZooKeeper mode the partition state znode, with its
/// version as compare-and-set, and `/isr_change_notification` so the controller tells every
/// broker (Kafka 2.8 `ReplicaManager` with an inter-broker protocol before AlterIsr). A KRaft
/// broker would send AlterIsr to its controller instead; the replica manager does not care.
public protocol PartitionStateWriter: Sendable {
    /// Writes the leader and ISR of `update.topicPartition` if the znode is still at
    /// `update.zkVersion`. Returns the new version, or nil when another writer got there first.
    func writeLeaderAndIsr(_ update: Partition.IsrUpdate) async throws -> Int32?

    /// Records that these partitions' ISR changed (`/isr_change_notification/isr_change_<seq>`).
    func notifyIsrChanges(_ partitions: [TopicPartition]) async throws

    /// Tells the controller a log dir of this broker failed (`/log_dir_event_notification/log_dir_event_<seq>`,
    /// Kafka's `KafkaZkClient.propagateLogDirEvent`).
    func notifyLogDirFailure(brokerID: BrokerID) async throws

    /// Whether concurrent writes are gathered into one request (AlterIsr, AlterPartition): the replica manager
    /// then keeps many ISR changes in flight at once (Kafka's `AlterIsrManager.submit` does not block), where
    /// one ZooKeeper write per change keeps a small window (Kafka's `ZkIsrManager` writes synchronously).
    var batchesIsrUpdates: Bool { get }
}

extension PartitionStateWriter {
    /// Writers without a controller to tell (tests) do nothing.
    public func notifyLogDirFailure(brokerID: BrokerID) async throws {}

    public var batchesIsrUpdates: Bool { false }
}
