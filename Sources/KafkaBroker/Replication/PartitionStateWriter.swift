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

    /// Submits every change of `updates` at once and calls `eachAnswered` with a change's index and outcome as it
    /// is answered; returns once all are. A writer that gathers changes (``batchesIsrUpdates``) queues them all
    /// in one step, as Kafka's `AlterIsrManager.submit` calls from `maybeShrinkIsr` do: the replica manager then
    /// needs no task per change (at 100,000 leaders a shrink pass held 100,000 suspended tasks, about 60 MB;
    /// issue 14).
    func writeLeaderAndIsr(
        _ updates: [Partition.IsrUpdate], eachAnswered: @escaping @Sendable (Int, Result<Int32?, any Error>) -> Void
    ) async
}

extension PartitionStateWriter {
    /// Writers without a controller to tell (tests) do nothing.
    public func notifyLogDirFailure(brokerID: BrokerID) async throws {}

    public var batchesIsrUpdates: Bool { false }

    /// One write after the other.
    public func writeLeaderAndIsr(
        _ updates: [Partition.IsrUpdate], eachAnswered: @escaping @Sendable (Int, Result<Int32?, any Error>) -> Void
    ) async {
        for (index, update) in updates.enumerated() {
            do {
                eachAnswered(index, .success(try await writeLeaderAndIsr(update)))
            } catch {
                eachAnswered(index, .failure(error))
            }
        }
    }
}
