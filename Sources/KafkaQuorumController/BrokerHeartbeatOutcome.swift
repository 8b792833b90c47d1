import KafkaModel
import KafkaProtocol

/// BrokerHeartbeat's response fields.
public struct BrokerHeartbeatOutcome: Sendable, Hashable {
    public var errorCode: KafkaErrorCode
    public var isCaughtUp: Bool
    public var isFenced: Bool
    public var shouldShutDown: Bool

    public static func error(_ code: KafkaErrorCode) -> Self {
        Self(errorCode: code, isCaughtUp: false, isFenced: true, shouldShutDown: false)
    }
}
