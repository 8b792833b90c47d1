import KafkaModel

/// The answer to a ``ControllerEvent/replicaLeaderElection(partitions:electionType:trigger:reply:)``:
/// per partition, the elected leader or why there is none (Kafka's `ElectLeadersCallback`).
public typealias ReplicaLeaderElectionReply = @Sendable ([TopicPartition: Result<BrokerID, ControllerError>]) -> Void

/// The answer to a ``ControllerEvent/controlledShutdown(brokerID:brokerEpoch:reply:)``: the partitions the
/// broker still leads (empty means "safe to shut down"), or a failure.
public typealias ControlledShutdownReply = @Sendable (Result<Set<TopicPartition>, ControllerError>) -> Void

/// The answer to an ``ControllerEvent/alterIsrReceived(brokerID:brokerEpoch:changes:reply:)`` (Kafka's
/// `AlterIsrCallback`): per partition the state now held or why not, or the request's top-level error.
public typealias AlterIsrReply = @Sendable (Result<[TopicPartition: Result<LeaderAndISR, ControllerError>], ControllerError>) -> Void

/// Everything the controller reacts to: Kafka 2.8's `ControllerEvent` classes that ZKafka needs.
///
/// Producers (ZooKeeper watchers, broker-request callbacks, API handlers, timers) never touch controller state;
/// they only build one of these and put it on the ``ControllerEventQueue``. The single controller event thread
/// processes them strictly in order (see ``ControllerEventManager``).
///
/// Events that carry a reply closure answer it exactly once: either the processor answers while processing,
/// or ``preemptReply()`` answers with a "not the controller" failure when the event is drained by
/// ``ControllerEventQueue/clearAndPut(_:preempt:)`` before it could run.
public enum ControllerEvent: Sendable {
    /// The controller starts on this broker: arm the `/controller` watch and try to become controller.
    case startup
    /// `/controller` was created or changed: resign if this broker lost the role.
    case controllerChange
    /// `/controller` was deleted: resign if needed, then try to become controller.
    case reelect
    /// The ZooKeeper session expired (put with `clearAndPut`): resign unconditionally.
    case expire
    /// A new ZooKeeper session exists: re-register `/brokers/ids/<id>` (new broker epoch), then re-elect.
    case registerBrokerAndReelect
    /// Stops the event thread (put with `clearAndPut` by ``ControllerEventManager/close()``); never processed.
    case shutdownEventThread
    /// The children of `/brokers/ids` changed: brokers started, died or bounced.
    case brokerChange
    /// The registration of one broker changed (endpoints or features).
    case brokerModifications(brokerID: BrokerID)
    /// The children of `/brokers/topics` changed: topics were created or removed.
    case topicChange
    /// The assignment znode of a topic changed: partitions were added.
    case partitionModifications(topic: String)
    /// The children of `/admin/delete_topics` changed: topics were marked for deletion.
    case topicDeletion
    /// A broker answered a `StopReplica(deletePartition = true)` for partitions of topics being deleted.
    /// `errorCode` is the top-level Kafka error code (0 = none), `partitionErrors` the per-partition codes.
    case topicDeletionStopReplicaResponseReceived(
        brokerID: BrokerID, errorCode: Int16, partitionErrors: [TopicPartition: Int16])
    /// `/admin/reassign_partitions` was created (or re-enqueued by the controller to re-arm its watch).
    case zkPartitionReassignment
    /// The state znode of a partition being reassigned changed: its ISR may now hold every target replica
    /// (Kafka's `PartitionReassignmentIsrChange`, armed while the reassignment runs).
    case partitionReassignmentISRChange(partition: TopicPartition)
    /// The children of `/isr_change_notification` changed: leaders changed ISRs directly in ZooKeeper.
    case isrChangeNotification
    /// A leader election was asked for: by the `ElectLeaders` API (`partitions` given) or by the
    /// `/admin/preferred_replica_election` znode (`partitions` nil: read them from the znode).
    case replicaLeaderElection(
        partitions: Set<TopicPartition>?, electionType: ElectionType, trigger: ElectionTrigger,
        reply: ReplicaLeaderElectionReply = { _ in })
    /// The periodic imbalance check (`auto.leader.rebalance.enable`).
    case autoPreferredReplicaLeaderElection
    /// A broker asks to shut down in a controlled way (`ControlledShutdown` request).
    case controlledShutdown(brokerID: BrokerID, brokerEpoch: Int64, reply: ControlledShutdownReply)
    /// A partition leader asks to change ISRs (`AlterIsr` request, KIP-497; Kafka's `AlterIsrReceived`): per
    /// partition, the leader (the sender), its leader epoch, the new ISR and the zkVersion it holds.
    case alterIsrReceived(brokerID: BrokerID, brokerEpoch: Int64, changes: [TopicPartition: LeaderAndISR], reply: AlterIsrReply)
    /// The children of `/log_dir_event_notification` changed: a broker's log directory failed.
    case logDirEventNotification
    /// A broker answered a `LeaderAndIsr` request; `KAFKA_STORAGE_ERROR` partitions mark offline replicas.
    case leaderAndISRResponseReceived(brokerID: BrokerID, errorCode: Int16, partitionErrors: [TopicPartition: Int16])
    /// A broker answered an `UpdateMetadata` request (errors are only logged).
    case updateMetadataResponseReceived(brokerID: BrokerID, errorCode: Int16)

    /// The controller state the event thread is in while processing this event (Kafka's `event.state`).
    public var state: ControllerState {
        switch self {
        case .startup, .controllerChange, .reelect, .expire, .registerBrokerAndReelect: .controllerChange
        case .shutdownEventThread: .controllerShutdown
        case .brokerChange, .brokerModifications: .brokerChange
        case .topicChange, .partitionModifications: .topicChange
        case .topicDeletion, .topicDeletionStopReplicaResponseReceived: .topicDeletion
        case .zkPartitionReassignment, .partitionReassignmentISRChange: .alterPartitionReassignment
        case .isrChangeNotification, .alterIsrReceived: .isrChange
        case .logDirEventNotification: .logDirChange
        case .replicaLeaderElection: .manualLeaderBalance
        case .autoPreferredReplicaLeaderElection: .autoLeaderBalance
        case .controlledShutdown: .controlledShutdown
        case .leaderAndISRResponseReceived: .leaderAndISRResponseReceived
        case .updateMetadataResponseReceived: .updateMetadataResponseReceived
        }
    }

    /// Kafka's class name for the event (`BrokerChange`, `ControlledShutdown`, ...), used in logs and traces.
    public var name: String {
        switch self {
        case .startup: "Startup"
        case .controllerChange: "ControllerChange"
        case .reelect: "Reelect"
        case .expire: "Expire"
        case .registerBrokerAndReelect: "RegisterBrokerAndReelect"
        case .shutdownEventThread: "ShutdownEventThread"
        case .brokerChange: "BrokerChange"
        case .brokerModifications: "BrokerModifications"
        case .topicChange: "TopicChange"
        case .partitionModifications: "PartitionModifications"
        case .topicDeletion: "TopicDeletion"
        case .topicDeletionStopReplicaResponseReceived: "TopicDeletionStopReplicaResponseReceived"
        case .zkPartitionReassignment: "ZkPartitionReassignment"
        case .partitionReassignmentISRChange: "PartitionReassignmentIsrChange"
        case .isrChangeNotification: "IsrChangeNotification"
        case .alterIsrReceived: "AlterIsrReceived"
        case .logDirEventNotification: "LogDirEventNotification"
        case .replicaLeaderElection: "ReplicaLeaderElection"
        case .autoPreferredReplicaLeaderElection: "AutoPreferredReplicaLeaderElection"
        case .controlledShutdown: "ControlledShutdown"
        case .leaderAndISRResponseReceived: "LeaderAndIsrResponseReceived"
        case .updateMetadataResponseReceived: "UpdateMetadataResponseReceived"
        }
    }

    /// Whether the event carries a reply closure that ``preemptReply()`` would answer.
    public var hasReply: Bool {
        switch self {
        case .replicaLeaderElection, .controlledShutdown, .alterIsrReceived: true
        default: false
        }
    }

    /// Answers the event's reply closure, if it has one, with a "not the controller" failure — what Kafka's
    /// `preempt()` does for an event drained by `clearAndPut` before it was processed. Does nothing for
    /// events without a reply.
    ///
    /// - `replicaLeaderElection`: every asked-for partition gets ``ControllerError/Code/notController``
    ///   (an empty map when the partitions came from the znode).
    /// - `controlledShutdown`: a ``ControllerError/Code/controllerMoved`` failure.
    /// - `alterIsrReceived`: a ``ControllerError/Code/notController`` failure (the leader retries elsewhere).
    public func preemptReply() {
        switch self {
        case .replicaLeaderElection(let partitions, _, _, let reply):
            let failure = ControllerError(.notController, "The controller event was preempted")
            var answer: [TopicPartition: Result<BrokerID, ControllerError>] = [:]
            for partition in partitions ?? [] { answer[partition] = .failure(failure) }
            reply(answer)
        case .controlledShutdown(_, _, let reply):
            reply(.failure(ControllerError(.controllerMoved, "Controller moved to another broker")))
        case .alterIsrReceived(_, _, _, let reply):
            reply(.failure(ControllerError(.notController, "The controller event was preempted")))
        default:
            break
        }
    }
}
