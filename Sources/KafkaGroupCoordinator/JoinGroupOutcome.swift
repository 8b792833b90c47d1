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
