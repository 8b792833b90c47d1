import KafkaProtocol

/// What a JoinGroup is answered with (Kafka's `JoinGroupResult`).
public struct JoinGroupOutcome: Sendable, Hashable {
    public struct Member: Sendable, Hashable {
        public var memberId: String
        public var groupInstanceId: String?
        public var metadata: [UInt8]
    }

    public var error: KafkaErrorCode
    public var generationId: Int32
    public var protocolType: String?
    public var protocolName: String?
    public var leaderId: String
    public var memberId: String
    /// Every member's metadata for the chosen protocol: the leader's answer only.
    public var members: [Member]

    public static func failure(_ error: KafkaErrorCode, memberId: String) -> JoinGroupOutcome {
        JoinGroupOutcome(
            error: error, generationId: -1, protocolType: nil, protocolName: nil, leaderId: "", memberId: memberId, members: [])
    }
}

/// What a SyncGroup is answered with (Kafka's `SyncGroupResult`).
public struct SyncGroupOutcome: Sendable, Hashable {
    public var error: KafkaErrorCode
    public var protocolType: String?
    public var protocolName: String?
    public var assignment: [UInt8]

    public static func failure(_ error: KafkaErrorCode) -> SyncGroupOutcome {
        SyncGroupOutcome(error: error, protocolType: nil, protocolName: nil, assignment: [])
    }
}

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
