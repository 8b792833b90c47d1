import KafkaConfig
import KafkaMetadata
import KafkaModel
import Logging
import Synchronization

/// What the broker's request handlers need from the controller running in the same process, when
/// it is the active one (ControlledShutdown is answered by the active controller only).
public protocol ControllerLink: AnyObject, Sendable {
    /// Kafka's `ControlledShutdown`: the partitions the broker still leads, or an error code.
    func controlledShutdown(brokerID: BrokerID, brokerEpoch: Int64) async -> Result<Set<TopicPartition>, ControlledShutdownRefusal>

    /// Kafka's `AlterIsr` (KIP-497): per partition, the leader and ISR now held (with its zkVersion) or a Kafka
    /// error code; or the request's top-level error code (NOT_CONTROLLER, STALE_BROKER_EPOCH, ...).
    func alterIsr(
        brokerID: BrokerID, brokerEpoch: Int64, changes: [TopicPartition: LeaderAndISR]
    ) async -> Result<[TopicPartition: Result<LeaderAndISR, AlterIsrRefusal>], AlterIsrRefusal>
}

/// Why an AlterIsr (or one of its partitions) was refused, as a Kafka error code.
public struct AlterIsrRefusal: Error, Sendable, Hashable {
    public var errorCode: Int16
    public var message: String
    public init(errorCode: Int16, message: String) {
        self.errorCode = errorCode
        self.message = message
    }
}

/// Why a controlled shutdown was refused, as a Kafka error code.
public struct ControlledShutdownRefusal: Error, Sendable {
    public var errorCode: Int16
    public var message: String
    public init(errorCode: Int16, message: String) {
        self.errorCode = errorCode
        self.message = message
    }
}

/// The broker as clients and the controller see it over the wire: the metadata cache, the fence
/// for control requests, and the request router the network layer calls.
public final class BrokerFrontEnd: Sendable {
    let context: BrokerContext
    public let requestHandler: KafkaApis
    private let controller = Mutex<(any ControllerLink)?>(nil)

    /// - Parameter topicAdministration: performs the admin writes of CreateTopics and DeleteTopics;
    ///   without one, those requests fail with UNKNOWN_SERVER_ERROR.
    /// The fetch session cache's gauges, for the metrics endpoint.
    public var fetchSessionMetrics: BrokerMetricsSnapshot.FetchSessions {
        context.fetchSessions.withLock {
            .init(sessions: $0.sessions.count, cachedPartitions: $0.cachedPartitions, created: $0.created, evictions: $0.evictions)
        }
    }

    /// The group coordinator's gauges, for the metrics endpoint.
    public var groupMetrics: BrokerMetricsSnapshot.Groups { context.groupCoordinator.metrics }

    public init(
        config: BrokerConfig, clusterID: String, replicaManager: ReplicaManager,
        topicAdministration: (any TopicAdministration)? = nil, logger: Logger
    ) {
        context = BrokerContext(
            brokerID: config.brokerID, clusterID: clusterID, config: config, metadataCache: MetadataCache(),
            replicaManager: replicaManager,
            topicAdministration: topicAdministration ?? UnavailableTopicAdministration(), logger: logger)
        let link = ControllerLinkBox()
        requestHandler = BrokerApiTable.make(context: context, controller: { link.link })
        link.owner = self
        context.groupCoordinator.startup()
    }

    public var metadataCache: MetadataCache { context.metadataCache }
    public var replicaManager: ReplicaManager { context.replicaManager }

    /// The broker epoch (czxid of this broker's registration) control requests are checked against.
    public func setBrokerEpoch(_ epoch: Int64) { context.fence.brokerEpoch = epoch }

    public func attach(controller link: any ControllerLink) { controller.withLock { $0 = link } }

    /// Stops the group coordinator, answering its parked requests (call before the network stops).
    public func shutdownGroupCoordinator() { context.groupCoordinator.shutdown() }

    var controllerLink: (any ControllerLink)? { controller.withLock { $0 } }
}

/// Lets the API table reach the controller attached later, without a reference cycle.
private final class ControllerLinkBox: @unchecked Sendable {
    // Set once in `BrokerFrontEnd.init`, before any request is handled.
    weak var owner: BrokerFrontEnd?
    var link: (any ControllerLink)? { owner?.controllerLink }
}
