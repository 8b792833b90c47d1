import KafkaModel
import KafkaProtocol

/// BrokerRegistration's request fields the controller uses.
public struct BrokerRegistrationInput: Sendable, Hashable {
    public var brokerID: BrokerID
    public var incarnationID: KafkaUUID
    public var endpoints: [BrokerEndpoint]
    public var rack: String?

    public init(brokerID: BrokerID, incarnationID: KafkaUUID, endpoints: [BrokerEndpoint], rack: String? = nil) {
        self.brokerID = brokerID
        self.incarnationID = incarnationID
        self.endpoints = endpoints
        self.rack = rack
    }
}
