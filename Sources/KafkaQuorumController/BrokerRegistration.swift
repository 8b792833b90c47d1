import KafkaModel
import KafkaProtocol

/// One broker's durable registration, as replayed from RegisterBrokerRecord and the fence / unfence /
/// registration-change records (Kafka 3.3's `BrokerRegistration`). Unlike ZooKeeper mode's ephemeral znode,
/// it outlives the broker process: a stopped broker stays registered, fenced.
public struct BrokerRegistration: Sendable, Hashable {
    public var id: BrokerID
    /// The broker process's random id; a new process registering with another one while the old lease is
    /// alive is a duplicate registration.
    public var incarnationID: KafkaUUID
    /// The offset of the RegisterBrokerRecord (`QuorumController` passes `nextWriteOffset`).
    public var epoch: Int64
    public var endpoints: [BrokerEndpoint]
    public var rack: String?
    public var fenced: Bool
    public var inControlledShutdown: Bool

    public init(
        id: BrokerID, incarnationID: KafkaUUID, epoch: Int64, endpoints: [BrokerEndpoint], rack: String?,
        fenced: Bool, inControlledShutdown: Bool
    ) {
        self.id = id
        self.incarnationID = incarnationID
        self.epoch = epoch
        self.endpoints = endpoints
        self.rack = rack
        self.fenced = fenced
        self.inControlledShutdown = inControlledShutdown
    }

    /// The ZooKeeper-mode shape of this broker, as UpdateMetadata carries it.
    public var brokerInfo: BrokerInfo {
        BrokerInfo(id: id, endpoints: endpoints, rack: rack, epoch: epoch)
    }
}
