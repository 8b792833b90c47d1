import KafkaModel
import Logging

/// The controller core: Kafka 2.8's `KafkaController` with the ZooKeeper taken out. It owns the
/// ``ControllerContext``, the flows over both state machines (``ControllerFlows``), the ``TopicDeletionManager``
/// and partition reassignment, and decides everything; what it reads and writes goes through ports
/// (``PartitionStateStore``, ``ReassignmentStore``, ``TopicDeletionClient``) and what it tells brokers through a
/// ``ControllerRequestSender``. A shell around it — `ZooKeeperModeController` in ZooKeeper mode — owns the event
/// thread, the watches and the connections, reads what an event needs and calls in here; tests drive it with
/// in-memory ports.
///
/// Where Kafka's `KafkaController` methods went: broker startup and failure, new partitions, preferred and
/// controlled-shutdown elections → ``flows``; `onPartitionReassignment` and its helpers →
/// `KafkaController+Reassignment`; the controller-side entry points of topic deletion and the failover steps
/// that only decide (`initializeTopicDeletion`, loading in-flight reassignments, starting the state machines) →
/// `KafkaController+Failover`; the bookkeeping of deletion → ``topicDeletionManager``.
///
/// Threading contract: confined to the controller event thread, like the context it mutates.
public final class KafkaController {
    public let controllerID: BrokerID
    public let context: ControllerContext
    public let flows: ControllerFlows
    public let topicDeletionManager: TopicDeletionManager
    /// Where reassignments are recorded (the topic znodes and `/admin/reassign_partitions` in ZooKeeper mode).
    public let reassignmentStore: any ReassignmentStore
    /// Where deleted topics and deletion requests are removed (shared with the ``topicDeletionManager``).
    public let deletionClient: any TopicDeletionClient
    let logger: Logger

    public var partitionStateMachine: PartitionStateMachine { flows.partitionStateMachine }
    public var replicaStateMachine: ReplicaStateMachine { flows.replicaStateMachine }
    public var sender: any ControllerRequestSender { flows.sender }

    /// - Parameters:
    ///   - isDeleteTopicEnabled: `delete.topic.enable`.
    ///   - leaderImbalancePerBrokerPercentage: `leader.imbalance.per.broker.percentage`.
    ///   - logger: the controller's own log (`kafka.controller`); state changes and deletion log under Kafka's
    ///     `state.change.logger` and `TopicDeletionManager` labels.
    public init(
        controllerID: BrokerID, context: ControllerContext = ControllerContext(), store: any PartitionStateStore,
        sender: any ControllerRequestSender, deletionClient: any TopicDeletionClient,
        reassignmentStore: any ReassignmentStore, isDeleteTopicEnabled: Bool = true,
        leaderImbalancePerBrokerPercentage: Int = 10,
        traceSink: any ControllerTraceSink = DiscardingControllerTraceSink(),
        logger: Logger = Logger(label: "kafka.controller")
    ) {
        self.controllerID = controllerID
        self.context = context
        self.reassignmentStore = reassignmentStore
        self.deletionClient = deletionClient
        self.logger = logger
        flows = ControllerFlows(
            controllerID: controllerID, context: context, store: store, sender: sender,
            leaderImbalancePerBrokerPercentage: leaderImbalancePerBrokerPercentage, traceSink: traceSink,
            logger: Logger(label: "kafka.controller.state.change"))
        topicDeletionManager = TopicDeletionManager(
            flows: flows, client: deletionClient, isDeleteTopicEnabled: isDeleteTopicEnabled,
            logger: Logger(label: "kafka.controller.TopicDeletionManager"))
        flows.topicDeletionManager = topicDeletionManager
    }

    /// Sends requests a step produced (the core's one way out to brokers).
    func send(_ requests: [ControllerBrokerRequest]) { flows.sender.send(requests) }
}
