/// One JoinGroup as the group sees it (the request plus what the connection knows).
public struct JoinGroupInput: Sendable, Hashable {
    /// "" on a member's first join.
    public var memberId: String
    public var groupInstanceId: String?
    /// JoinGroup v4+ from a dynamic member: an unknown member first gets an id with
    /// MEMBER_ID_REQUIRED and must join again with it (KIP-394).
    public var requireKnownMemberId: Bool
    public var clientId: String
    public var clientHost: String
    public var rebalanceTimeoutMs: Int32
    public var sessionTimeoutMs: Int32
    public var protocolType: String
    public var protocols: [GroupMember.ProtocolMetadata]
    /// The unique part of a new member id (`clientId-<uuid>`), chosen by the shell so that the
    /// group stays deterministic.
    public var newMemberIdSuffix: String

    public init(
        memberId: String, groupInstanceId: String? = nil, requireKnownMemberId: Bool, clientId: String, clientHost: String,
        rebalanceTimeoutMs: Int32, sessionTimeoutMs: Int32, protocolType: String, protocols: [GroupMember.ProtocolMetadata],
        newMemberIdSuffix: String
    ) {
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.requireKnownMemberId = requireKnownMemberId
        self.clientId = clientId
        self.clientHost = clientHost
        self.rebalanceTimeoutMs = rebalanceTimeoutMs
        self.sessionTimeoutMs = sessionTimeoutMs
        self.protocolType = protocolType
        self.protocols = protocols
        self.newMemberIdSuffix = newMemberIdSuffix
    }
}
