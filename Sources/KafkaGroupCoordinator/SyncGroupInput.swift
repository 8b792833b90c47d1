/// One SyncGroup as the group sees it.
public struct SyncGroupInput: Sendable, Hashable {
    public var generationId: Int32
    public var memberId: String
    public var groupInstanceId: String?
    /// v5+: checked against the group's when present.
    public var protocolType: String?
    public var protocolName: String?
    /// The leader's assignment per member id; empty from followers.
    public var assignments: [String: [UInt8]]

    public init(
        generationId: Int32, memberId: String, groupInstanceId: String? = nil, protocolType: String? = nil,
        protocolName: String? = nil, assignments: [String: [UInt8]] = [:]
    ) {
        self.generationId = generationId
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.protocolType = protocolType
        self.protocolName = protocolName
        self.assignments = assignments
    }
}
