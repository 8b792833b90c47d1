import KafkaModel
import KafkaProtocol

/// BrokerRegistration's response: the broker epoch, or an error.
public struct BrokerRegistrationOutcome: Sendable, Hashable {
    public var errorCode: KafkaErrorCode
    public var brokerEpoch: Int64
}
