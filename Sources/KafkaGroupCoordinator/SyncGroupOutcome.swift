import KafkaProtocol

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
