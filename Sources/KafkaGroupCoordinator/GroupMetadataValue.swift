/// A group's state as stored in `__consumer_offsets` (the value under a group key, Kafka 2.8's
/// `GroupMetadataManager.groupMetadataValue`): generation, protocol, leader, state timestamp and
/// every member with its subscription and assignment. What a new coordinator loads.
public struct GroupMetadataValue: Sendable, Hashable {
    public struct Member: Sendable, Hashable {
        public var memberId: String
        public var groupInstanceId: String?
        public var clientId: String
        public var clientHost: String
        public var rebalanceTimeoutMs: Int32
        public var sessionTimeoutMs: Int32
        public var subscription: [UInt8]
        public var assignment: [UInt8]

        public init(
            memberId: String, groupInstanceId: String?, clientId: String, clientHost: String, rebalanceTimeoutMs: Int32,
            sessionTimeoutMs: Int32, subscription: [UInt8], assignment: [UInt8]
        ) {
            self.memberId = memberId
            self.groupInstanceId = groupInstanceId
            self.clientId = clientId
            self.clientHost = clientHost
            self.rebalanceTimeoutMs = rebalanceTimeoutMs
            self.sessionTimeoutMs = sessionTimeoutMs
            self.subscription = subscription
            self.assignment = assignment
        }
    }

    public var groupId: String
    public var protocolType: String
    public var generation: Int32
    public var protocolName: String?
    public var leader: String?
    /// When the group entered its current state (v2+; -1 when unknown).
    public var currentStateTimestampMs: Int64
    public var members: [Member]

    public init(
        groupId: String, protocolType: String, generation: Int32, protocolName: String?, leader: String?,
        currentStateTimestampMs: Int64, members: [Member]
    ) {
        self.groupId = groupId
        self.protocolType = protocolType
        self.generation = generation
        self.protocolName = protocolName
        self.leader = leader
        self.currentStateTimestampMs = currentStateTimestampMs
        self.members = members
    }
}
