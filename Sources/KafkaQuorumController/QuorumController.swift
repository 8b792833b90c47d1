import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol

/// The active quorum controller as a pure value (Kafka 3.3's `QuorumController` with its
/// `ClusterControlManager`, `BrokerHeartbeatManager` and `ReplicationControlManager`).
///
/// Each operation is a function of (state, input, now) that returns a ``ControllerResult``: the records to
/// append to `__cluster_metadata` and the response to send once they commit. It does not change the
/// replicated state (registration and heartbeats only touch the heartbeat soft state, as Kafka's
/// `BrokerHeartbeatManager` is touched at once): the caller hands the records to Raft and calls
/// ``append(_:)``, which replays them at the next write offsets as Kafka's active controller does right after
/// scheduling the append. Standbys replay the same
/// committed records into their own ``QuorumControllerState`` and end up equal to the active's.
///
/// Time is an input (`now`, milliseconds); nothing here reads a clock, a file or a socket.
public struct QuorumController: Sendable, Hashable {
    public let config: QuorumControllerConfig
    /// The replicated state, identical on every controller that replayed the same records.
    public private(set) var state: QuorumControllerState
    /// Heartbeat soft state, only meaningful while active.
    public private(set) var heartbeats: BrokerHeartbeatTracker
    /// The offset the next appended record gets (`offsetControl.nextWriteOffset`).
    public private(set) var nextWriteOffset: Int64

    /// Becomes active on top of `state` (replayed up to `state.lastAppliedOffset`), giving every registered
    /// broker a fresh lease from `now` (`ClusterControlManager.activate`).
    public init(config: QuorumControllerConfig = QuorumControllerConfig(), state: QuorumControllerState = QuorumControllerState(), now: Int64) {
        self.config = config
        self.state = state
        self.heartbeats = BrokerHeartbeatTracker()
        self.nextWriteOffset = state.lastAppliedOffset + 1
        for id in state.brokers.keys.sorted() { heartbeats.touch(id, now: now) }
    }

    /// Replays `records` at the next write offsets; returns the offset of the last one (or nil if none).
    @discardableResult
    public mutating func append(_ records: [MetadataRecord]) -> Int64? {
        guard !records.isEmpty else { return nil }
        for record in records {
            state.replay(record, offset: nextWriteOffset)
            nextWriteOffset += 1
        }
        return nextWriteOffset - 1
    }

    /// Runs an operation's result through ``append(_:)`` and returns its response (a convenience for
    /// callers whose appends commit synchronously, e.g. tests and a single-node quorum).
    public mutating func commit<Response>(_ result: ControllerResult<Response>) -> Response {
        append(result.records)
        return result.response
    }

    mutating func updateHeartbeats(_ change: (inout BrokerHeartbeatTracker) -> Void) {
        change(&heartbeats)
    }

    // MARK: - Shared leadership updates

    /// `ReplicationControlManager.generateLeaderAndIsrUpdates`: for each partition, remove `brokerToRemove`
    /// from the ISR (if any) and elect a leader among the electable brokers, where `brokerToAdd` counts as
    /// electable and `brokerToRemove` does not.
    func leaderAndISRUpdates(
        partitions: [(KafkaUUID, Int32)], brokerToRemove: BrokerID?, brokerToAdd: BrokerID?,
        shuttingDown: Set<BrokerID> = []
    ) -> [MetadataRecord] {
        var electable = state.electableBrokerIDs
        if let brokerToRemove { electable.remove(brokerToRemove) }
        if let brokerToAdd { electable.insert(brokerToAdd) }
        return partitions.compactMap { topicID, partitionID in
            guard let topic = state.topics[topicID], let current = topic.partitions[partitionID] else { return nil }
            let targetISR = brokerToRemove.map { removed in current.isr.filter { $0 != removed } } ?? current.isr
            return PartitionChangeBuilder.build(
                topicID: topicID, partitionID: partitionID, current: current, targetISR: targetISR,
                electable: electable, shuttingDown: shuttingDown,
                uncleanLeaderElectionEnabled: state.uncleanLeaderElectionEnabled(
                    topic: topic.name, default: config.uncleanLeaderElectionEnable)
            ).map(MetadataRecord.partitionChange)
        }
    }
}
