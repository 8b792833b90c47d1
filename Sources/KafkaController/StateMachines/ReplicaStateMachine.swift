import KafkaModel
import Logging

/// What one ``ReplicaStateMachine/handleStateChanges(_:to:cause:)`` call did.
public struct ReplicaStateChangeResult: Sendable {
    /// The requests the operation produced, in send order (`LeaderAndIsr`, `UpdateMetadata`, `StopReplica`).
    public var requests: [ControllerBrokerRequest] = []
    /// Valid transitions whose action failed (the replica kept its state). Refused transitions are traced.
    public var failures: [PartitionReplica: ControllerError] = [:]

    public init() {}
}

/// Kafka's `ZkReplicaStateMachine`: moves replicas between ``ReplicaState``s and collects the broker requests
/// each move implies; removing a replica from the ISR goes through the ``PartitionStateStore``.
///
/// Transitions (target ← valid previous states: actions):
/// - ``ReplicaState/new`` ← nonExistent: if the partition has leadership info and this replica is its
///   leader → failure (a new replica cannot lead); with leadership info → `LeaderAndIsr(isNew)` with the
///   current state to this broker (+ `UpdateMetadata` to all); without → state only.
/// - ``ReplicaState/online`` ← new, online, offline, deletionIneligible: from New, if the broker is not in
///   the assignment it is appended (logged as an error), no request; otherwise, with leadership info,
///   `LeaderAndIsr` with the current state to this broker (+ `UpdateMetadata` to all).
/// - ``ReplicaState/offline`` ← new, online, offline, deletionIneligible: `StopReplica(delete=false)` to the
///   broker; for partitions with leadership info, remove the replica from the ISR in ZooKeeper (fresh read;
///   newer controller epoch → failure; leader → -1 if it was the leader; the last ISR member is never
///   removed; leader epoch + 1; CAS, `BADVERSION` → retry), then, unless the topic is queued for deletion,
///   `LeaderAndIsr` to the other assigned replicas; without leadership info, `UpdateMetadata` for the
///   partition to all.
/// - ``ReplicaState/deletionStarted`` ← offline: `StopReplica(delete=true)`.
/// - ``ReplicaState/deletionSuccessful`` ← deletionStarted; ``ReplicaState/deletionIneligible`` ← offline,
///   deletionStarted: state only.
/// - ``ReplicaState/nonExistent`` ← deletionSuccessful: remove the broker from the partition's assignment
///   (replicas, adding, removing) and forget the replica's state.
///
/// A replica the context does not know is first put in ``ReplicaState/nonExistent``. Invalid transitions are
/// refused, logged and traced, never applied.
///
/// Threading contract: confined to the controller event thread.
public final class ReplicaStateMachine {
    public let controllerID: BrokerID
    public let context: ControllerContext
    public let store: any PartitionStateStore
    private var batch = BrokerRequestBatch()
    private let recorder: StateChangeRecorder
    private let logger: Logger

    public init(
        controllerID: BrokerID, context: ControllerContext, store: any PartitionStateStore,
        traceSink: any ControllerTraceSink = DiscardingControllerTraceSink(),
        logger: Logger = Logger(label: "kafka.controller.state.change")
    ) {
        self.controllerID = controllerID
        self.context = context
        self.store = store
        self.logger = logger
        self.recorder = StateChangeRecorder(controllerID: controllerID, logger: logger, traceSink: traceSink)
    }

    // MARK: - Startup

    /// Kafka's `initializeReplicaState`: every assigned replica → Online if online, else
    /// ReplicaDeletionIneligible (conservative for topic deletion).
    public func initializeReplicaState() {
        for partition in context.allPartitions {
            for brokerID in context.partitionReplicaAssignment(partition) {
                let replica = PartitionReplica(topicPartition: partition, replica: brokerID)
                context.putReplicaState(
                    replica, context.isReplicaOnline(brokerID, partition) ? .online : .deletionIneligible)
            }
        }
    }

    /// Kafka's `ReplicaStateMachine.startup`: initialise, then online replicas → Online (sends
    /// `LeaderAndIsr`), offline replicas → Offline (ISR shrink).
    public func startup(cause: String = "ControllerFailover") throws -> ReplicaStateChangeResult {
        initializeReplicaState()
        let (online, offline) = context.onlineAndOfflineReplicas()
        var result = try handleStateChanges(online, to: .online, cause: cause)
        let offlineResult = try handleStateChanges(offline, to: .offline, cause: cause)
        result.requests += offlineResult.requests
        result.failures.merge(offlineResult.failures) { _, new in new }
        return result
    }

    // MARK: - Transitions

    /// Moves `replicas` to `target` (Kafka's `handleStateChanges`): one fresh batch, replicas grouped by broker
    /// (in broker-id order), batch flushed into ``ReplicaStateChangeResult/requests``.
    ///
    /// - Throws: ``ControllerError`` with code ``ControllerError/Code/controllerMoved`` when a fenced write
    ///   found a newer controller; other errors are logged and leave the remaining replicas untouched.
    public func handleStateChanges(
        _ replicas: [PartitionReplica], to target: ReplicaState, cause: String
    ) throws -> ReplicaStateChangeResult {
        guard !replicas.isEmpty else { return ReplicaStateChangeResult() }
        var result = ReplicaStateChangeResult()
        do {
            try batch.newBatch()
            let byBroker = Dictionary(grouping: replicas, by: \.replica)
            for brokerID in byBroker.keys.sorted() {
                try doHandleStateChanges(brokerID, byBroker[brokerID]!, to: target, cause: cause, result: &result)
            }
            result.requests = batch.makeRequests(
                controllerID: controllerID, controllerEpoch: context.epoch, context: context)
        } catch let error as ControllerError where error.code == .controllerMoved {
            logger.error("Controller moved to another broker when moving some replicas to \(target) state")
            batch.clear()
            throw error
        } catch {
            logger.error("Error while moving some replicas to \(target) state: \(error)")
            batch.clear()
        }
        return result
    }

    private func doHandleStateChanges(
        _ brokerID: BrokerID, _ replicas: [PartitionReplica], to target: ReplicaState, cause: String,
        result: inout ReplicaStateChangeResult
    ) throws {
        for replica in replicas { context.putReplicaStateIfNotExists(replica, .nonExistent) }
        let (valid, invalid) = context.checkValidReplicaStateChange(replicas, to: target)
        for replica in invalid {
            let current = context.replicaState(replica)
            recorder.replica(
                replica, from: current, to: target, controllerEpoch: context.epoch, cause: cause, outcome: .refused,
                reason: "\(current) is not a valid previous state; valid previous states are "
                    + target.validPreviousStates.map(\.description).sorted().joined(separator: ", "))
        }
        switch target {
        case .new:
            for replica in valid {
                let partition = replica.topicPartition
                let current = context.replicaState(replica)
                if let info = context.partitionLeadershipInfo[partition] {
                    if info.leaderAndISR.leader == brokerID {
                        let failure = ControllerError(
                            .stateChangeFailed,
                            "Replica \(brokerID) for partition \(partition) cannot be moved to NewReplica state as "
                                + "it is being requested to become leader")
                        result.failures[replica] = failure
                        recorder.replica(
                            replica, from: current, to: .new, controllerEpoch: context.epoch, cause: cause,
                            outcome: .failed, reason: failure.message)
                        continue
                    }
                    batch.addLeaderAndISRRequest(
                        brokerIDs: [brokerID], partition: partition, leaderISRAndControllerEpoch: info,
                        assignment: context.partitionFullReplicaAssignment(partition), isNew: true, context: context)
                }
                context.putReplicaState(replica, .new)
                applied(replica, from: current, to: .new, cause: cause)
            }
        case .online:
            for replica in valid {
                let partition = replica.topicPartition
                let current = context.replicaState(replica)
                if current == .new {
                    var assignment = context.partitionFullReplicaAssignment(partition)
                    if !assignment.replicas.contains(brokerID) {
                        logger.error("Adding replica (\(brokerID)) that is not part of the assignment \(assignment)")
                        assignment.replicas.append(brokerID)
                        context.updatePartitionFullReplicaAssignment(partition, assignment)
                    }
                } else if let info = context.partitionLeadershipInfo[partition] {
                    batch.addLeaderAndISRRequest(
                        brokerIDs: [brokerID], partition: partition, leaderISRAndControllerEpoch: info,
                        assignment: context.partitionFullReplicaAssignment(partition), isNew: false, context: context)
                }
                context.putReplicaState(replica, .online)
                applied(replica, from: current, to: .online, cause: cause)
            }
        case .offline:
            for replica in valid {
                batch.addStopReplicaRequest(
                    brokerIDs: [brokerID], partition: replica.topicPartition, deletePartition: false, context: context)
            }
            let withLeadership = valid.filter { context.partitionLeadershipInfo[$0.topicPartition] != nil }
            let withoutLeadership = valid.filter { context.partitionLeadershipInfo[$0.topicPartition] == nil }
            let removal = try removeReplicaFromISR(brokerID, withLeadership.map(\.topicPartition))
            for (partition, error) in removal.failures.sorted(by: { $0.key < $1.key }) {
                let replica = PartitionReplica(topicPartition: partition, replica: brokerID)
                result.failures[replica] = error
                recorder.replica(
                    replica, from: context.replicaState(replica), to: .offline, controllerEpoch: context.epoch,
                    cause: cause, outcome: .failed, reason: error.message)
            }
            for (partition, info) in removal.updated.sorted(by: { $0.key < $1.key }) {
                if !context.isTopicQueuedUpForDeletion(partition.topic) {
                    let recipients = context.partitionReplicaAssignment(partition).filter { $0 != brokerID }
                    batch.addLeaderAndISRRequest(
                        brokerIDs: recipients, partition: partition, leaderISRAndControllerEpoch: info,
                        assignment: context.partitionFullReplicaAssignment(partition), isNew: false, context: context)
                }
                let replica = PartitionReplica(topicPartition: partition, replica: brokerID)
                let current = context.replicaState(replica)
                context.putReplicaState(replica, .offline)
                applied(replica, from: current, to: .offline, leaderAndISR: info.leaderAndISR, cause: cause)
            }
            for replica in withoutLeadership {
                let current = context.replicaState(replica)
                batch.addUpdateMetadataRequest(
                    brokerIDs: context.liveOrShuttingDownBrokerIDs.sorted(), partitions: [replica.topicPartition],
                    context: context)
                context.putReplicaState(replica, .offline)
                applied(replica, from: current, to: .offline, cause: cause)
            }
        case .deletionStarted:
            for replica in valid {
                let current = context.replicaState(replica)
                context.putReplicaState(replica, .deletionStarted)
                batch.addStopReplicaRequest(
                    brokerIDs: [brokerID], partition: replica.topicPartition, deletePartition: true, context: context)
                applied(replica, from: current, to: .deletionStarted, cause: cause)
            }
        case .deletionIneligible, .deletionSuccessful:
            for replica in valid {
                let current = context.replicaState(replica)
                context.putReplicaState(replica, target)
                applied(replica, from: current, to: target, cause: cause)
            }
        case .nonExistent:
            for replica in valid {
                let current = context.replicaState(replica)
                var assignment = context.partitionFullReplicaAssignment(replica.topicPartition)
                assignment.replicas.removeAll { $0 == brokerID }
                assignment.addingReplicas.removeAll { $0 == brokerID }
                assignment.removingReplicas.removeAll { $0 == brokerID }
                context.updatePartitionFullReplicaAssignment(replica.topicPartition, assignment)
                context.removeReplicaState(replica)
                applied(replica, from: current, to: .nonExistent, cause: cause)
            }
        }
    }

    private func applied(
        _ replica: PartitionReplica, from: ReplicaState, to: ReplicaState, leaderAndISR: LeaderAndISR? = nil,
        cause: String
    ) {
        recorder.replica(
            replica, from: from, to: to,
            leaderAndISR: leaderAndISR ?? context.partitionLeadershipInfo[replica.topicPartition]?.leaderAndISR,
            controllerEpoch: context.epoch, cause: cause, outcome: .applied)
    }

    // MARK: - ISR removal

    private struct ISRRemoval {
        var updated: [TopicPartition: LeaderISRAndControllerEpoch] = [:]
        var failures: [TopicPartition: ControllerError] = [:]
    }

    /// Kafka's `removeReplicasFromIsr`: repeats one read–shrink–CAS round until no `BADVERSION` is left.
    private func removeReplicaFromISR(_ brokerID: BrokerID, _ partitions: [TopicPartition]) throws -> ISRRemoval {
        var removal = ISRRemoval()
        var remaining = partitions
        var firstRound = true
        while !remaining.isEmpty {
            remaining = try doRemoveReplicaFromISR(brokerID, remaining, fromContext: firstRound, into: &removal)
            firstRound = false
        }
        return removal
    }

    /// Kafka's `doRemoveReplicasFromIsr`. Partitions whose ISR does not contain the replica are reported as
    /// updated with the state just read (as Kafka does), so they still get their `LeaderAndIsr`. The first round
    /// starts from the states the context holds (`PartitionStateStore.partitionStates(_:cachedIn:)`: the CAS
    /// catches stale ones); partitions it would leave unwritten (replica not in the cached ISR, newer controller
    /// epoch) and those answering `BADVERSION` are retried with a fresh read, as Kafka's every round does.
    private func doRemoveReplicaFromISR(
        _ brokerID: BrokerID, _ partitions: [TopicPartition], fromContext: Bool, into removal: inout ISRRemoval
    ) throws -> [TopicPartition] {
        let states: [TopicPartition: Result<LeaderISRAndControllerEpoch?, PartitionStateStoreError>]
        do {
            states = fromContext ? try store.partitionStates(partitions, cachedIn: context) : try store.partitionStates(partitions)
        } catch let error as ControllerError where error.code == .controllerMoved {
            throw error
        } catch {
            for partition in partitions {
                removal.failures[partition] = ControllerError(.stateChangeFailed, "\(error)")
            }
            return []
        }
        var withReplica: [TopicPartition: LeaderAndISR] = [:]
        var withoutReplica: [TopicPartition: LeaderAndISR] = [:]
        var retry: [TopicPartition] = []
        for partition in partitions {
            switch states[partition] ?? .success(nil) {
            case .success(let stored?) where fromContext && (stored.controllerEpoch > context.epoch || !stored.leaderAndISR.isr.contains(brokerID)):
                // Decided without a write (no CAS checks the cached state): confirm with a fresh read.
                retry.append(partition)
            case .success(let stored?):
                if stored.controllerEpoch > context.epoch {
                    removal.failures[partition] = ControllerError(
                        .stateChangeFailed,
                        "Leader and isr path written by another controller. This probably means the current "
                            + "controller with epoch \(context.epoch) went through a soft failure and another "
                            + "controller was elected with epoch \(stored.controllerEpoch). Aborting state change "
                            + "by this controller")
                } else if stored.leaderAndISR.isr.contains(brokerID) {
                    // Leader -1 if it led; the last ISR member is never removed (it marks who has the latest data).
                    withReplica[partition] = stored.leaderAndISR.removingReplica(brokerID)
                } else {
                    withoutReplica[partition] = stored.leaderAndISR
                }
            case .success(nil), .failure(.noNode):
                if !context.isTopicQueuedUpForDeletion(partition.topic) {
                    removal.failures[partition] = ControllerError(
                        .stateChangeFailed,
                        "Failed to change state of replica \(brokerID) for partition \(partition) since the leader "
                            + "and isr path in zookeeper is empty")
                }
            case .failure(let error):
                removal.failures[partition] = ControllerError(.stateChangeFailed, "\(error)")
            }
        }
        var finished = withoutReplica
        if !withReplica.isEmpty {
            let writes = try store.updateLeaderAndISR(
                withReplica, controllerEpoch: context.epoch, expectedControllerEpochZKVersion: context.epochZKVersion)
            for partition in withReplica.keys.sorted() {
                switch writes[partition] ?? .failure(.other("no response")) {
                case .success(let written): finished[partition] = written
                case .failure(.badVersion): retry.append(partition)
                case .failure(let error):
                    removal.failures[partition] = ControllerError(
                        .stateChangeFailed, "Could not remove replica \(brokerID) from the ISR of \(partition): \(error)")
                }
            }
        }
        for (partition, leaderAndISR) in finished {
            let info = LeaderISRAndControllerEpoch(leaderAndISR: leaderAndISR, controllerEpoch: context.epoch)
            context.putPartitionLeadershipInfo(partition, info)
            removal.updated[partition] = info
        }
        return retry
    }
}
