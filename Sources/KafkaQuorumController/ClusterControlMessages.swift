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

/// BrokerRegistration's response: the broker epoch, or an error.
public struct BrokerRegistrationOutcome: Sendable, Hashable {
    public var errorCode: KafkaErrorCode
    public var brokerEpoch: Int64
}

/// BrokerHeartbeat's request fields.
public struct BrokerHeartbeatInput: Sendable, Hashable {
    public var brokerID: BrokerID
    public var brokerEpoch: Int64
    /// The highest metadata offset the broker has applied.
    public var currentMetadataOffset: Int64
    public var wantFence: Bool
    public var wantShutDown: Bool

    public init(
        brokerID: BrokerID, brokerEpoch: Int64, currentMetadataOffset: Int64, wantFence: Bool = false,
        wantShutDown: Bool = false
    ) {
        self.brokerID = brokerID
        self.brokerEpoch = brokerEpoch
        self.currentMetadataOffset = currentMetadataOffset
        self.wantFence = wantFence
        self.wantShutDown = wantShutDown
    }
}

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

/// `BrokerHeartbeatManager.BrokerControlState`.
public enum BrokerControlState: Sendable, Hashable {
    case fenced, unfenced, controlledShutdown, shutdownNow
}
