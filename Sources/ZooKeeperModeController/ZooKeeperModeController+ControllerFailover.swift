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
        _ = try zooKeeper.exists(ZNodePaths.controller, watch: handler)
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
        let current = try zooKeeper.controllerID(watch: handler) ?? -1
        setActiveControllerID(current)
        if current != -1 {
            logger.debug("Broker \(current) has been elected as the controller, so stopping the election process.")
            return
        }
        let brokerID = configuration.brokerID
        do {
            let (epoch, epochZKVersion) = try zooKeeper.registerControllerAndIncrementControllerEpoch(
                brokerID: brokerID, timestamp: Int64(Date().timeIntervalSince1970 * 1000))
            context.epoch = epoch
            context.epochZKVersion = epochZKVersion
            setActiveControllerID(brokerID)
            logger.info("\(brokerID) successfully elected as the controller. Epoch incremented to \(epoch) and epoch zk version is now \(epochZKVersion)")
            traceElected(epoch: epoch, epochZKVersion: epochZKVersion)
            try onControllerFailover()
        } catch let error as ControllerError where error.code == .controllerMoved {
            // Lost the election race, or a newer controller fenced a failover write.
            try maybeResign()
            let winner = activeControllerID
            if winner != -1 {
                logger.debug("Broker \(winner) was elected as controller instead of broker \(brokerID) (\(error.message))")
            } else {
                logger.warning("A controller has been elected but just resigned, this will result in another round of election")
            }
        } catch {
            logger.error("Error while electing or becoming controller on broker \(brokerID): \(error)")
            try triggerControllerMove()
        }
    }

    /// Kafka's `maybeResign()`: re-arm the watch, re-read the controller id, resign if this broker lost the role.
    func maybeResign() throws {
        let wasActive = isActive
        let handler = controllerWatch()
        let current = try zooKeeper.controllerID(watch: handler) ?? -1
        setActiveControllerID(current)
        if wasActive && !isActive {
            onControllerResignation()
        }
    }

    /// Kafka's `triggerControllerMove()`: give the role up by deleting `/controller` (fenced).
    func triggerControllerMove() throws {
        let current = try zooKeeper.controllerID(watch: nil) ?? -1
        guard current == configuration.brokerID else { return }
        let version = context.epochZKVersion
        setActiveControllerID(-1)
        onControllerResignation()
        do {
            try zooKeeper.fencedDeleteIfExists([ZNodePaths.controller], epochZKVersion: version)
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
        // Kafka's `registerBroker` goes through `retryRequestsUntilConnected`: a new session that loses its
        // connection before the registration lands must try again, or the broker stays out of /brokers/ids for
        // good (seen under load: the re-registration after an expiry hit CONNECTIONLOSS and nothing retried it).
        // A second expiry ends the retries: its own RegisterBrokerAndReelect follows the next new session.
        var epoch: Int64
        while true {
            do {
                epoch = try BlockingBridge.run { try await register() }
                break
            } catch let error as ZooKeeperError where error.code.isRetriable {
                logger.warning("Registering the broker in a new session failed (\(error)); retrying once reconnected")
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
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
        core.loadPartitionsBeingReassigned()
        try initializeTopicDeletion()
        // Every broker learns the live broker set; partition states follow with the state machines. The three
        // batches Kafka flushes here go out merged: one LeaderAndIsr and one UpdateMetadata per broker.
        let machinesStarted = Date()
        try coalescingRequests { try core.startStateMachines() }
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
        let brokers = try zooKeeper.brokers(watch: brokersWatch)
        context.setLiveBrokers(brokers)
        let channel = makeChannels(self)
        for broker in brokers { channel.addBroker(broker) }
        channelManager = channel
        for broker in brokers { try watchBrokerModifications(broker.id) }

        let topics = try zooKeeper.children(ZNodePaths.topics, watch: topicsWatch)
        for topic in topics { context.addTopic(topic) }
        let assignments = try readAssignments(Set(topics), watch: true)
        for (partition, assignment) in assignments { context.updatePartitionFullReplicaAssignment(partition, assignment) }
        try updateLeaderAndISRCache(context.allPartitions)
        // Admin znodes: children and existence watches.
        let isrWatch = watch("children:" + ZNodePaths.isrChangeNotification) { .isrChangeNotification }
        let preferredWatch = watch("exists:" + ZNodePaths.preferredReplicaElection) {
            .replicaLeaderElection(partitions: nil, electionType: .preferred, trigger: .zkTriggered)
        }
        _ = try zooKeeper.children(ZNodePaths.isrChangeNotification, watch: isrWatch)
        // Kafka's onControllerFailover deletes pending log dir event notifications: the replica state machine's
        // startup sends LeaderAndIsr to every broker, whose KAFKA_STORAGE_ERROR answers mark offline replicas.
        let logDirWatch = watch("children:" + ZNodePaths.logDirEventNotification) { .logDirEventNotification }
        let pendingLogDirEvents = try zooKeeper.children(ZNodePaths.logDirEventNotification, watch: logDirWatch)
        if !pendingLogDirEvents.isEmpty { deleteLogDirEventNotifications(pendingLogDirEvents) }
        _ = try zooKeeper.exists(ZNodePaths.preferredReplicaElection, watch: preferredWatch)
    }

    /// Reads the assignments of `topics` (pipelined), re-arming each topic's data watch.
    func readAssignments(_ topics: Set<String>, watch armed: Bool) throws -> [TopicPartition: ReplicaAssignment] {
        var handlers: [String: WatchHandler] = [:]
        if armed {
            for topic in topics {
                handlers[ZNodePaths.topic(topic)] = watch("data:" + ZNodePaths.topic(topic)) { .partitionModifications(topic: topic) }
            }
        }
        let data = try zooKeeper.dataOfEach(topics.map(ZNodePaths.topic), watches: handlers)
        var result: [TopicPartition: ReplicaAssignment] = [:]
        for topic in topics {
            guard let bytes = data[ZNodePaths.topic(topic)] else { continue }
            let node = try TopicZNode.decode(topic: topic, data: bytes)
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
            _ = try zooKeeper.exists(ZNodePaths.broker(id), watch: handler)
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
