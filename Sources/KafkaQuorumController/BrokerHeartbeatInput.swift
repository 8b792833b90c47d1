import KafkaModel
import KafkaProtocol

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
