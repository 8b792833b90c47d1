import Foundation
import KafkaController
import KafkaModel
import KafkaZooKeeperData
import ZooKeeper

/// Election, failover and resignation (Kafka 2.8 `KafkaController.elect`, `onControllerFailover`,
/// `onControllerResignation`, `maybeResign`, `processExpire`, `processRegisterBrokerAndReelect`).
extension ZooKeeperModeController {
    func processStartup() throws {
        // Arm the /controller watch (every broker keeps it), then try to become controller.
        let handler = controllerWatch()
        _ = try blocking { try await $0.zooKeeper.exists(ZNodePaths.controller, watch: handler) }
        try elect()
    }

    func processReelect() throws {
        try maybeResign()
        try elect()
    }

    /// The `/controller` watch: created/changed → ControllerChange, deleted → Reelect. Nil when set.
    func controllerWatch() -> WatchHandler? {
        watches.handler("data:" + ZNodePaths.controller) { [weak self] event in
            switch event.type {
            case .nodeDeleted: self?.put(.reelect)
            case .nodeCreated, .nodeDataChanged: self?.put(.controllerChange)
            default: break
            }
        }
    }

    /// Kafka's `elect()`.
    func elect() throws {
        let handler = controllerWatch()
        let current = try blocking { try await $0.getControllerID(watch: handler) } ?? -1
        setActiveControllerID(current)
        if current != -1 {
            logger.debug("Broker \(current) has been elected as the controller, so stopping the election process.")
            return
        }
        let brokerID = configuration.brokerID
        do {
            let (epoch, epochZKVersion) = try blocking {
                try await $0.registerControllerAndIncrementControllerEpoch(
                    brokerID: brokerID, timestamp: Int64(Date().timeIntervalSince1970 * 1000))
            }
            context.epoch = epoch
            context.epochZKVersion = epochZKVersion
            setActiveControllerID(brokerID)
            logger.info("\(brokerID) successfully elected as the controller. Epoch incremented to \(epoch) and epoch zk version is now \(epochZKVersion)")
            traceElected(epoch: epoch, epochZKVersion: epochZKVersion)
            try onControllerFailover()
        } catch let error as ControllerMovedError {
            try maybeResign()
            let winner = activeControllerID
            if winner != -1 {
                logger.debug("Broker \(winner) was elected as controller instead of broker \(brokerID) (\(error.detail))")
            } else {
                logger.warning("A controller has been elected but just resigned, this will result in another round of election")
            }
        } catch let error as ControllerError where error.code == .controllerMoved {
            try maybeResign()
        } catch {
            logger.error("Error while electing or becoming controller on broker \(brokerID): \(error)")
            try triggerControllerMove()
        }
    }

    /// Kafka's `maybeResign()`: re-arm the watch, re-read the controller id, resign if this broker lost the role.
    func maybeResign() throws {
        let wasActive = isActive
        let handler = controllerWatch()
        let current = try blocking { try await $0.getControllerID(watch: handler) } ?? -1
        setActiveControllerID(current)
        if wasActive && !isActive {
            onControllerResignation()
        }
    }

    /// Kafka's `triggerControllerMove()`: give the role up by deleting `/controller` (fenced).
    func triggerControllerMove() throws {
        let current = try blocking { try await $0.getControllerID() } ?? -1
        guard current == configuration.brokerID else { return }
        let version = context.epochZKVersion
        setActiveControllerID(-1)
        onControllerResignation()
        do {
            _ = try blocking { try await $0.fencedMulti([.delete(path: ZNodePaths.controller)], expectedControllerEpochZKVersion: version) }
        } catch {
            logger.warning("Could not delete /controller while moving the controller away: \(error)")
        }
    }

    func processExpire() {
        watches.reset()
        setActiveControllerID(-1)
        onControllerResignation()
    }

    func processRegisterBrokerAndReelect() throws {
        let register = reregisterBroker
        let epoch = try BlockingBridge.run { try await register() }
        setBrokerEpoch(epoch)
        try processReelect()
    }

    // MARK: - Failover

    /// Kafka's `onControllerFailover`: load the context from ZooKeeper, start the broker channels,
    /// tell every broker, start both state machines, and elect leaders where needed.
    func onControllerFailover() throws {
        logger.info("Registering handlers")
        let started = Date()
        try initializeControllerContext()
        logger.info("Initialized controller context in \(Int(Date().timeIntervalSince(started) * 1000)) ms: \(context.liveBrokers.count) live brokers, \(context.allTopics.count) topics, \(context.partitionCount) partitions")
        loadPartitionsBeingReassigned()
        try initializeTopicDeletion()
        // Every broker learns the live broker set; partition states follow with the state machines. The three
        // batches Kafka flushes here go out merged: one LeaderAndIsr and one UpdateMetadata per broker.
        let machinesStarted = Date()
        try coalescingRequests {
            sendUpdateMetadataRequest(to: Array(context.liveOrShuttingDownBrokerIDs).sorted(), partitions: [])
            send(try replicaStateMachine.startup().requests)
            send(try partitionStateMachine.startup().requests)
        }
        // Read by `zkafka bench controller` (the "state machines" phase of a failover).
        logger.info("Started the state machines and queued their requests in \(Int(Date().timeIntervalSince(machinesStarted) * 1000)) ms")
        try initializePartitionReassignments()
        try topicDeletionManager.tryTopicDeletion()
        logger.info("Ready to serve as the new controller with epoch \(context.epoch)")
        traceFailoverCompleted()
        // Pending preferred elections and ISR notifications left from before the failover.
        put(.replicaLeaderElection(partitions: nil, electionType: .preferred, trigger: .zkTriggered))
        put(.isrChangeNotification)
        scheduleAutoLeaderRebalance(initialDelay: .seconds(5))
    }

    /// Kafka's `initializeControllerContext` (with the watches `onControllerFailover` registers).
    func initializeControllerContext() throws {
        let brokersWatch = watch("children:" + ZNodePaths.brokerIDs) { .brokerChange }
        let topicsWatch = watch("children:" + ZNodePaths.topics) { .topicChange }
        let brokers = try blocking { try await $0.getAllBrokersInCluster(watch: brokersWatch) }
        context.setLiveBrokers(brokers)
        let channel = ControllerChannelManager(
            controllerID: configuration.brokerID, listenerName: configuration.interBrokerListenerName,
            requestTimeout: .milliseconds(configuration.controllerSocketTimeoutMs), logger: logger
        ) { [weak self] event in self?.put(event) }
        for broker in brokers { channel.addBroker(broker) }
        channelManager = channel
        for broker in brokers { try watchBrokerModifications(broker.id) }

        let topics = try blocking { try await $0.zooKeeper.getChildren(ZNodePaths.topics, watch: topicsWatch).children }
        for topic in topics { context.addTopic(topic) }
        let assignments = try readAssignments(Set(topics), watch: true)
        for (partition, assignment) in assignments { context.updatePartitionFullReplicaAssignment(partition, assignment) }
        try updateLeaderAndISRCache(context.allPartitions)
        // Admin znodes: children and existence watches.
        let isrWatch = watch("children:" + ZNodePaths.isrChangeNotification) { .isrChangeNotification }
        let preferredWatch = watch("exists:" + ZNodePaths.preferredReplicaElection) {
            .replicaLeaderElection(partitions: nil, electionType: .preferred, trigger: .zkTriggered)
        }
        _ = try blocking { try await $0.zooKeeper.getChildren(ZNodePaths.isrChangeNotification, watch: isrWatch) }
        // Kafka's onControllerFailover deletes pending log dir event notifications: the replica state machine's
        // startup sends LeaderAndIsr to every broker, whose KAFKA_STORAGE_ERROR answers mark offline replicas.
        let logDirWatch = watch("children:" + ZNodePaths.logDirEventNotification) { .logDirEventNotification }
        let pendingLogDirEvents = try blocking {
            try await $0.zooKeeper.getChildren(ZNodePaths.logDirEventNotification, watch: logDirWatch).children
        }
        if !pendingLogDirEvents.isEmpty { deleteLogDirEventNotifications(pendingLogDirEvents) }
        _ = try blocking { try await $0.zooKeeper.exists(ZNodePaths.preferredReplicaElection, watch: preferredWatch) }
    }

    /// Reads the assignments of `topics` (pipelined), re-arming each topic's data watch.
    func readAssignments(_ topics: Set<String>, watch armed: Bool) throws -> [TopicPartition: ReplicaAssignment] {
        var handlers: [String: WatchHandler] = [:]
        if armed {
            for topic in topics { handlers[topic] = watch("data:" + ZNodePaths.topic(topic)) { .partitionModifications(topic: topic) } }
        }
        let readHandlers = handlers
        let nodes = try blocking { kafka in
            try await withThrowingTaskGroup(of: TopicZNode?.self) { group in
                for topic in topics {
                    group.addTask {
                        do {
                            let data = try await kafka.zooKeeper.getData(ZNodePaths.topic(topic), watch: readHandlers[topic]).data
                            return try TopicZNode.decode(topic: topic, data: data)
                        } catch let error as ZooKeeperError where error.code == .noNode {
                            return nil
                        }
                    }
                }
                return try await group.reduce(into: [TopicZNode]()) { if let node = $1 { $0.append(node) } }
            }
        }
        var result: [TopicPartition: ReplicaAssignment] = [:]
        for node in nodes {
            for (partition, assignment) in node.partitions { result[TopicPartition(topic: node.topic, partition: partition)] = assignment }
        }
        return result
    }

    /// Re-reads partition states from ZooKeeper into the context (Kafka's `updateLeaderAndIsrCache`).
    ///
    /// A partition whose state could not be read (after the store's connection-loss retries) fails the event:
    /// in a failover that resigns and re-elects (Kafka's `triggerControllerMove` on a failed
    /// `onControllerFailover`), instead of going on with partitions the context knows no leader for.
    func updateLeaderAndISRCache(_ partitions: [TopicPartition]) throws {
        guard !partitions.isEmpty else { return }
        var failures: [(TopicPartition, PartitionStateStoreError)] = []
        for (partition, result) in try partitionStateMachine.store.partitionStates(partitions) {
            switch result {
            case .success(let state?): context.putPartitionLeadershipInfo(partition, state)
            case .success(nil): break
            case .failure(let error): failures.append((partition, error))
            }
        }
        if let (partition, error) = failures.first {
            throw PartitionStatesUnreadable(count: failures.count, example: "\(partition): \(error)")
        }
    }

    func watchBrokerModifications(_ id: BrokerID) throws {
        let key = "data:" + ZNodePaths.broker(id)
        let handler = watch(key) { .brokerModifications(brokerID: id) }
        do {
            _ = try blocking { try await $0.zooKeeper.exists(ZNodePaths.broker(id), watch: handler) }
        } catch {
            // Not fatal to the event (the broker may be gone), but the watch was not set: arm it on the next read.
            if handler != nil { watches.disarm(key) }
        }
    }

    // MARK: - Resignation

    /// Kafka's `onControllerResignation`: stop the scheduler and the channels, forget the context.
    func onControllerResignation() {
        traceResignation()
        autoRebalanceTask?.cancel()
        autoRebalanceTask = nil
        channelManager?.shutdown()
        channelManager = nil
        context.resetContext()
        logger.info("Resigned as the controller (broker \(configuration.brokerID))")
    }
}

/// Partition states that could not be read into the controller context.
struct PartitionStatesUnreadable: Error, CustomStringConvertible {
    var count: Int
    var example: String
    var description: String { "\(count) partition state(s) could not be read from ZooKeeper, e.g. \(example)" }
}
