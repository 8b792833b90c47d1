import KafkaModel
import Logging

/// The parts of Kafka's `KafkaController` flows that are pure given the ``PartitionStateStore`` and
/// ``ControllerRequestSender`` seams: broker startup and failure, new partitions, preferred-replica elections
/// and the auto-rebalance check, and controlled shutdown. ZooKeeper watches and reads (which brokers and topics
/// exist) stay in the shell, which calls these after updating the ``ControllerContext``.
///
/// Threading contract: confined to the controller event thread.
public final class ControllerFlows {
    public let controllerID: BrokerID
    public let context: ControllerContext
    public let partitionStateMachine: PartitionStateMachine
    public let replicaStateMachine: ReplicaStateMachine
    public let sender: any ControllerRequestSender
    /// `leader.imbalance.per.broker.percentage` (default 10).
    public var leaderImbalancePerBrokerPercentage: Int
    /// The topic deletion bookkeeping, told about broker start-ups and offline replicas (Kafka's controller
    /// calls its `topicDeletionManager` from `onBrokerStartup` and `onReplicasBecomeOffline`). Set by whoever
    /// creates the manager; weak because the manager holds these flows.
    public weak var topicDeletionManager: TopicDeletionManager?
    private var batch = BrokerRequestBatch()
    let logger: Logger
    /// Records ISR changes made outside the state machines (AlterIsr) in the state-change log and the trace.
    let recorder: StateChangeRecorder

    public init(
        controllerID: BrokerID, context: ControllerContext, store: any PartitionStateStore,
        sender: any ControllerRequestSender, leaderImbalancePerBrokerPercentage: Int = 10,
        traceSink: any ControllerTraceSink = DiscardingControllerTraceSink(),
        logger: Logger = Logger(label: "kafka.controller")
    ) {
        self.controllerID = controllerID
        self.context = context
        self.sender = sender
        self.leaderImbalancePerBrokerPercentage = leaderImbalancePerBrokerPercentage
        self.logger = logger
        self.recorder = StateChangeRecorder(controllerID: controllerID, logger: logger, traceSink: traceSink)
        self.partitionStateMachine = PartitionStateMachine(
            controllerID: controllerID, context: context, store: store, traceSink: traceSink, logger: logger)
        self.replicaStateMachine = ReplicaStateMachine(
            controllerID: controllerID, context: context, store: store, traceSink: traceSink, logger: logger)
    }

    // MARK: - Requests

    /// Sends `UpdateMetadata` with `partitions` (as cached) to `brokerIDs` (Kafka's `sendUpdateMetadataRequest`).
    public func sendUpdateMetadataRequest(brokerIDs: [BrokerID], partitions: [TopicPartition]) {
        batch.clear()
        batch.addUpdateMetadataRequest(brokerIDs: brokerIDs, partitions: partitions, context: context)
        sender.send(batch.makeRequests(controllerID: controllerID, controllerEpoch: context.epoch, context: context))
    }

    // MARK: - Topic creation

    /// Kafka's `onNewPartitionCreation`: partitions → New, their replicas → New, partitions → Online
    /// (initialise leader and ISR), replicas → Online.
    public func onNewPartitionCreation(_ partitions: [TopicPartition], cause: String = "TopicChange") throws {
        let replicas = partitions.sorted().flatMap { partition in
            context.partitionReplicaAssignment(partition).map { PartitionReplica(topicPartition: partition, replica: $0) }
        }
        sender.send(try partitionStateMachine.handleStateChanges(partitions, to: .new, cause: cause).requests)
        sender.send(try replicaStateMachine.handleStateChanges(replicas, to: .new, cause: cause).requests)
        sender.send(
            try partitionStateMachine.handleStateChanges(
                partitions, to: .online, strategy: .offline(allowUnclean: false), cause: cause
            ).requests)
        sender.send(try replicaStateMachine.handleStateChanges(replicas, to: .online, cause: cause).requests)
    }

    // MARK: - Broker startup and failure

    /// Kafka's `onBrokerStartup` (without reassignment and deletion resumption): tell existing brokers about the
    /// new ones, bootstrap the new ones with every partition that has a leader, move their replicas Online and
    /// elect leaders for New/Offline partitions.
    public func onBrokerStartup(_ newBrokers: [BrokerID], cause: String = "BrokerChange") throws {
        let newSet = Set(newBrokers)
        for broker in newBrokers { context.replicasOnOfflineDirectories[broker] = nil }
        let existing = context.liveOrShuttingDownBrokerIDs.subtracting(newSet).sorted()
        sendUpdateMetadataRequest(brokerIDs: existing, partitions: [])
        sendUpdateMetadataRequest(
            brokerIDs: newBrokers.sorted(), partitions: context.partitionLeadershipInfo.keys.sorted())
        let replicas = context.replicasOnBrokers(newSet)
        sender.send(try replicaStateMachine.handleStateChanges(replicas, to: .online, cause: cause).requests)
        sender.send(try partitionStateMachine.triggerOnlinePartitionStateChange(cause: cause).requests)
        // A replica of a topic being deleted came back: its deletion may resume.
        let deletionTopics = Set(replicas.map(\.topicPartition.topic)).filter(context.isTopicQueuedUpForDeletion)
        if !deletionTopics.isEmpty, let topicDeletionManager {
            logger.info("Some replicas \(replicas.filter { deletionTopics.contains($0.topicPartition.topic) }.map(\.description)) for topics scheduled for deletion \(deletionTopics.sorted()) are on the newly restarted brokers \(newBrokers.sorted()). Signaling restart of topic deletion for these topics")
            try topicDeletionManager.resumeDeletionForTopics(deletionTopics)
        }
    }

    /// Kafka's `onBrokerFailure`: forget the dead brokers' offline directories and shutdown marks, then
    /// ``onReplicasBecomeOffline(_:cause:)`` for everything they hosted. The shell removes them from the live
    /// set first.
    public func onBrokerFailure(_ deadBrokers: [BrokerID], cause: String = "BrokerChange") throws {
        for broker in deadBrokers {
            context.replicasOnOfflineDirectories[broker] = nil
            context.shuttingDownBrokerIDs.remove(broker)
        }
        try onReplicasBecomeOffline(context.replicasOnBrokers(Set(deadBrokers)), cause: cause)
    }

    /// Kafka's `onReplicasBecomeOffline`: partitions whose leader is no longer online → Offline, elect leaders
    /// for New/Offline partitions, then the offline replicas → OfflineReplica (ISR shrink); replicas of topics
    /// queued for deletion → ReplicaDeletionIneligible. If no partition lost its leader, `UpdateMetadata` (no
    /// partitions) to every broker so they learn about the dead ones.
    ///
    /// Each pass's requests go out when it ends (``sendPassRequests()``), as Kafka's `handleStateChanges` sends
    /// its batch: the new leaders hear of their election before the ISR shrinks are written.
    public func onReplicasBecomeOffline(_ replicas: [PartitionReplica], cause: String) throws {
        let forDeletion = replicas.filter { context.isTopicQueuedUpForDeletion($0.topicPartition.topic) }
        let notForDeletion = replicas.filter { !context.isTopicQueuedUpForDeletion($0.topicPartition.topic) }
        let partitionsWithOfflineLeader = context.partitionLeadershipInfo.filter { partition, info in
            !context.isReplicaOnline(info.leaderAndISR.leader, partition)
                && !context.isTopicQueuedUpForDeletion(partition.topic)
        }.keys.sorted()
        sender.send(
            try partitionStateMachine.handleStateChanges(partitionsWithOfflineLeader, to: .offline, cause: cause).requests)
        sender.send(try partitionStateMachine.triggerOnlinePartitionStateChange(cause: cause).requests)
        sendPassRequests()
        // One write per partition for the ISR shrinks below (several dead brokers: one per partition, not per
        // replica), when the event holds its requests.
        try writeAhead { SinglePassPlan.offlineReplicas(notForDeletion, context: context) }
        sender.send(try replicaStateMachine.handleStateChanges(notForDeletion, to: .offline, cause: cause).requests)
        sendPassRequests()
        if !forDeletion.isEmpty {
            // A replica whose broker is gone cannot delete its data: fail it so deletion does not wait forever.
            if let topicDeletionManager {
                try topicDeletionManager.failReplicaDeletion(Set(forDeletion))
            } else {
                sender.send(
                    try replicaStateMachine.handleStateChanges(forDeletion, to: .deletionIneligible, cause: cause).requests)
                for replica in forDeletion { context.topicsIneligibleForDeletion.insert(replica.topicPartition.topic) }
            }
        }
        if partitionsWithOfflineLeader.isEmpty {
            sendUpdateMetadataRequest(brokerIDs: context.liveOrShuttingDownBrokerIDs.sorted(), partitions: [])
        }
    }

    /// Lets the requests of the state machine pass that just ended go out (Kafka's `sendRequestsToBrokers` at
    /// the end of every `handleStateChanges`) when the event holds them, unless a written-ahead chain is
    /// part-way (``EventScopedPartitionStateStore/settleChains()``): then they wait for the event's end.
    public func sendPassRequests() {
        if let scoped = partitionStateMachine.store as? EventScopedPartitionStateStore, !scoped.settleChains() { return }
        sender.sendHeldBatches()
    }

    /// Writes `plan`'s chains ahead when the store is an ``EventScopedPartitionStateStore`` holding requests
    /// (the plan is only computed then); otherwise the state machines write step by step, as Kafka does.
    public func writeAhead(_ plan: () -> SinglePassPlan) throws {
        guard let scoped = partitionStateMachine.store as? EventScopedPartitionStateStore, scoped.isHoldingRequests else {
            return
        }
        do {
            try scoped.writeAhead(
                plan().chains, controllerEpoch: context.epoch, expectedControllerEpochZKVersion: context.epochZKVersion)
        } catch let error as ControllerError where error.code == .controllerMoved {
            throw error
        } catch {
            // Nothing was planned: the state machines write (and report failures) themselves.
            logger.warning("Could not write partition states ahead: \(error)")
        }
    }

    // MARK: - Preferred replica election

    /// Runs a preferred-replica election for `partitions` (Kafka's `onReplicaElection` with PREFERRED). Returns
    /// per partition the new leader or the failure.
    public func onPreferredReplicaElection(
        _ partitions: [TopicPartition], cause: String
    ) throws -> [TopicPartition: Result<BrokerID, ControllerError>] {
        let result = try partitionStateMachine.handleStateChanges(
            partitions, to: .online, strategy: .preferredReplica, cause: cause)
        sender.send(result.requests)
        return result.results.mapValues { outcome in
            outcome.map(\.leader).mapError {
                ControllerError(.preferredLeaderNotAvailable, $0.message)
            }
        }
    }

    /// The partitions the auto-rebalance would move, per preferred broker (Kafka's
    /// `checkAndTriggerAutoLeaderRebalance` selection): for each broker B, if the share of partitions preferring
    /// B but not led by B exceeds `leader.imbalance.per.broker.percentage`, every such partition whose topic
    /// exists and is not queued for deletion and whose preferred replica is live and in the ISR; nothing while
    /// any reassignment is in progress (2.8).
    public func autoRebalanceCandidates() -> [BrokerID: [TopicPartition]] {
        var byPreferred: [BrokerID: [TopicPartition]] = [:]
        for partition in context.allPartitions where !context.isTopicQueuedUpForDeletion(partition.topic) {
            if let preferred = context.partitionReplicaAssignment(partition).first {
                byPreferred[preferred, default: []].append(partition)
            }
        }
        var candidates: [BrokerID: [TopicPartition]] = [:]
        for (broker, partitions) in byPreferred {
            let notLed = partitions.filter { partition in
                context.partitionLeadershipInfo[partition].map { $0.leaderAndISR.leader != broker } ?? false
            }
            let ratio = Double(notLed.count) / Double(partitions.count)
            guard ratio > Double(leaderImbalancePerBrokerPercentage) / 100 else { continue }
            let eligible = notLed.filter { partition in
                context.isReplicaOnline(broker, partition) && context.partitionsBeingReassigned.isEmpty
                    && !context.isTopicQueuedUpForDeletion(partition.topic) && context.allTopics.contains(partition.topic)
                    && (context.partitionLeadershipInfo[partition]?.leaderAndISR.isr.contains(broker) ?? false)
            }
            if !eligible.isEmpty { candidates[broker] = eligible.sorted() }
        }
        return candidates
    }

    /// Kafka's `checkAndTriggerAutoLeaderRebalance`: preferred elections for ``autoRebalanceCandidates()``.
    public func checkAndTriggerAutoLeaderRebalance() throws -> [TopicPartition: Result<BrokerID, ControllerError>] {
        var results: [TopicPartition: Result<BrokerID, ControllerError>] = [:]
        for (_, partitions) in autoRebalanceCandidates().sorted(by: { $0.key < $1.key }) {
            results.merge(try onPreferredReplicaElection(partitions, cause: "AutoPreferredReplicaLeaderElection")) { _, new in new }
        }
        return results
    }

    // MARK: - Controlled shutdown

    /// Kafka's `doControlledShutdown` (the active-controller checks are the shell's): validates the broker epoch,
    /// marks the broker shutting down, moves leadership of its replicated partitions away (controlled-shutdown
    /// strategy), stops and removes it from the ISR of the partitions it follows, and returns the replicated
    /// partitions it still leads.
    public func controlledShutdown(brokerID: BrokerID, brokerEpoch: Int64) throws -> Set<TopicPartition> {
        if brokerEpoch != -1, let cached = context.brokerEpoch(of: brokerID), brokerEpoch < cached {
            throw ControllerError(
                .staleBrokerEpoch,
                "Received controlled shutdown request from an old broker epoch \(brokerEpoch) for broker \(brokerID). "
                    + "Current broker epoch is \(cached).")
        }
        guard context.liveOrShuttingDownBrokerIDs.contains(brokerID) else {
            throw ControllerError(.brokerNotAvailable, "Broker id \(brokerID) does not exist.")
        }
        context.shuttingDownBrokerIDs.insert(brokerID)
        let toActOn = context.partitionsOnBroker(brokerID).filter { partition in
            context.partitionReplicaAssignment(partition).count > 1 && context.partitionLeadershipInfo[partition] != nil
                && !context.isTopicQueuedUpForDeletion(partition.topic)
        }
        let led = toActOn.filter { context.partitionLeadershipInfo[$0]?.leaderAndISR.leader == brokerID }
        let followed = toActOn.filter { context.partitionLeadershipInfo[$0]?.leaderAndISR.leader != brokerID }
        // Each pass's requests go out when it ends, as Kafka's: the new leaders take over before the followed
        // partitions' ISRs are shrunk.
        sender.send(
            try partitionStateMachine.handleStateChanges(
                led, to: .online, strategy: .controlledShutdown, cause: "ControlledShutdown"
            ).requests)
        sendPassRequests()
        batch.clear()
        for partition in followed {
            batch.addStopReplicaRequest(brokerIDs: [brokerID], partition: partition, deletePartition: false, context: context)
        }
        sender.send(batch.makeRequests(controllerID: controllerID, controllerEpoch: context.epoch, context: context))
        sendPassRequests()
        sender.send(
            try replicaStateMachine.handleStateChanges(
                followed.map { PartitionReplica(topicPartition: $0, replica: brokerID) }, to: .offline,
                cause: "ControlledShutdown"
            ).requests)
        sendPassRequests()
        return Set(
            context.partitionLeadershipInfo.filter { partition, info in
                !context.isTopicQueuedUpForDeletion(partition.topic) && info.leaderAndISR.leader == brokerID
                    && context.partitionReplicaAssignment(partition).count > 1
            }.keys)
    }
}
