import KafkaModel

/// One controller → broker request, as a plain value: what ``BrokerRequestBatch`` produces when flushed and
/// what a ``ControllerRequestSender`` turns into wire messages. Not a wire format.
public enum ControllerBrokerRequest: Sendable, Hashable {
    /// `LeaderAndIsr` (api key 4): become leader or follower of these partitions.
    case leaderAndISR(LeaderAndISRRequest)
    /// `UpdateMetadata` (api key 6): replace the broker list, merge these partition states.
    case updateMetadata(UpdateMetadataRequest)
    /// `StopReplica` (api key 5): stop (and maybe delete) these replicas.
    case stopReplica(StopReplicaRequest)

    /// The broker the request goes to.
    public var brokerID: BrokerID {
        switch self {
        case .leaderAndISR(let request): request.brokerID
        case .updateMetadata(let request): request.brokerID
        case .stopReplica(let request): request.brokerID
        }
    }

    /// How many partition states the request carries.
    public var partitionCount: Int {
        switch self {
        case .leaderAndISR(let request): request.partitionStates.count
        case .updateMetadata(let request): request.partitionStates.count
        case .stopReplica(let request): request.partitionStates.count
        }
    }

    /// Kafka's API name.
    public var apiName: String {
        switch self {
        case .leaderAndISR: "LeaderAndIsr"
        case .updateMetadata: "UpdateMetadata"
        case .stopReplica: "StopReplica"
        }
    }
}

/// The fields every controller request carries.
public struct ControllerRequestHeader: Sendable, Hashable {
    public var controllerID: BrokerID
    public var controllerEpoch: Int32
    /// The target broker's epoch (czxid of its registration), so a restarted broker rejects stale requests.
    public var brokerEpoch: Int64

    public init(controllerID: BrokerID, controllerEpoch: Int32, brokerEpoch: Int64) {
        self.controllerID = controllerID
        self.controllerEpoch = controllerEpoch
        self.brokerEpoch = brokerEpoch
    }
}

/// A `LeaderAndIsr` request for one broker.
public struct LeaderAndISRRequest: Sendable, Hashable {
    public var brokerID: BrokerID
    public var header: ControllerRequestHeader
    /// Partition states, sorted by partition.
    public var partitionStates: [LeaderAndISRPartitionState]
    /// The leaders referenced by `partitionStates` that are registered, with their endpoints.
    public var liveLeaders: [BrokerInfo]

    public init(brokerID: BrokerID, header: ControllerRequestHeader, partitionStates: [LeaderAndISRPartitionState], liveLeaders: [BrokerInfo]) {
        self.brokerID = brokerID
        self.header = header
        self.partitionStates = partitionStates
        self.liveLeaders = liveLeaders
    }
}

/// An `UpdateMetadata` request for one broker.
public struct UpdateMetadataRequest: Sendable, Hashable {
    public var brokerID: BrokerID
    public var header: ControllerRequestHeader
    /// Partition states, sorted by partition (may be empty: "here is the new broker list").
    public var partitionStates: [UpdateMetadataPartitionState]
    /// Every registered broker, sorted by id.
    public var liveBrokers: [BrokerInfo]

    public init(brokerID: BrokerID, header: ControllerRequestHeader, partitionStates: [UpdateMetadataPartitionState], liveBrokers: [BrokerInfo]) {
        self.brokerID = brokerID
        self.header = header
        self.partitionStates = partitionStates
        self.liveBrokers = liveBrokers
    }
}

/// A `StopReplica` request for one broker.
public struct StopReplicaRequest: Sendable, Hashable {
    public var brokerID: BrokerID
    public var header: ControllerRequestHeader
    /// Partition states, sorted by partition.
    public var partitionStates: [StopReplicaPartitionState]

    public init(brokerID: BrokerID, header: ControllerRequestHeader, partitionStates: [StopReplicaPartitionState]) {
        self.brokerID = brokerID
        self.header = header
        self.partitionStates = partitionStates
    }
}
