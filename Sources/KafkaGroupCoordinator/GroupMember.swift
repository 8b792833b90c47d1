/// One member of a group (Kafka 2.8 `MemberMetadata`): its identity, timeouts, the protocols it
/// supports in preference order with their metadata, its assignment, and the requests of it the
/// coordinator holds (the shell's tokens for a parked JoinGroup or SyncGroup).
public struct GroupMember: Sendable, Hashable {
    public struct ProtocolMetadata: Sendable, Hashable {
        public var name: String
        public var metadata: [UInt8]
        public init(name: String, metadata: [UInt8]) {
            self.name = name
            self.metadata = metadata
        }
    }

    public var memberId: String
    /// KIP-345 static membership (`group.instance.id`), nil for dynamic members.
    public var groupInstanceId: String?
    public var clientId: String
    public var clientHost: String
    public var rebalanceTimeoutMs: Int32
    public var sessionTimeoutMs: Int32
    public var protocolType: String
    public var protocols: [ProtocolMetadata]
    public var assignment: [UInt8] = []

    /// The parked JoinGroup of this member, answered when the join phase completes.
    public var awaitingJoin: ParkedRequest?
    /// The parked SyncGroup of this member, answered when the leader's assignment is stored.
    public var awaitingSync: ParkedRequest?
    /// Joined but the join phase it joined in has not completed yet (Kafka's `isNew`): its
    /// deadline is the new-member join timeout, and waiting does not count as a heartbeat.
    public var isNew = false
    /// When the member expires unless it heartbeats (or waits in a rebalance); nil: not watched.
    public var heartbeatDeadlineMs: Int64?

    public init(
        memberId: String, groupInstanceId: String?, clientId: String, clientHost: String, rebalanceTimeoutMs: Int32,
        sessionTimeoutMs: Int32, protocolType: String, protocols: [ProtocolMetadata]
    ) {
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.clientId = clientId
        self.clientHost = clientHost
        self.rebalanceTimeoutMs = rebalanceTimeoutMs
        self.sessionTimeoutMs = sessionTimeoutMs
        self.protocolType = protocolType
        self.protocols = protocols
    }

    public var isStatic: Bool { groupInstanceId != nil }
    var isAwaitingJoin: Bool { awaitingJoin != nil }
    var isAwaitingSync: Bool { awaitingSync != nil }

    /// Kafka's `hasSatisfiedHeartbeat`: a member waiting in a rebalance counts as alive, except a
    /// new one (it could wait forever on a dead connection).
    var waitingCountsAsHeartbeat: Bool { !isNew && (isAwaitingJoin || isAwaitingSync) }

    func metadata(for protocolName: String) -> [UInt8]? {
        protocols.first { $0.name == protocolName }?.metadata
    }

    /// Kafka's `MemberMetadata.matches`: the same protocols with the same metadata, in order.
    func matches(_ other: [ProtocolMetadata]) -> Bool { protocols == other }
}
