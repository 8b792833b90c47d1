import KafkaProtocol

/// What the group asks its shell to do after an input.
public enum GroupAction: Sendable, Hashable {
    /// Answer the parked JoinGroup `token`.
    case completeJoin(token: UInt64, JoinGroupOutcome)
    /// Answer the parked SyncGroup `token`.
    case completeSync(token: UInt64, SyncGroupOutcome)
    /// Append the group's metadata record (the state after the input) to its `__consumer_offsets`
    /// partition, then report the outcome with ``ConsumerGroup/groupStored(generation:error:nowMs:)``
    /// when `awaitsResult` (the leader's SyncGroup waits for it, as Kafka's `storeGroup` callback).
    case storeGroup(GroupMetadataValue, awaitsResult: Bool)
}
