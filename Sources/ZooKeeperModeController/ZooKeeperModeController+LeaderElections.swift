import KafkaController
import KafkaModel
import KafkaZooKeeperData
import ZooKeeper

/// Preferred replica elections (znode-triggered and automatic) and controlled shutdown (Kafka 2.8
/// `processReplicaLeaderElection`, `checkAndTriggerAutoLeaderRebalance`, `doControlledShutdown`).
extension ZooKeeperModeController {
    func processReplicaLeaderElection(
        _ requested: Set<TopicPartition>?, electionType: ElectionType, trigger: ElectionTrigger,
        reply: ReplicaLeaderElectionReply
    ) throws {
        guard isActive else {
            reply(Dictionary(uniqueKeysWithValues: (requested ?? []).map { ($0, .failure(ControllerError(.notController, "not the controller"))) }))
            return
        }
        var partitions = requested ?? []
        if trigger == .zkTriggered {
            // Read (and re-arm the creation watch of) /admin/preferred_replica_election.
            let handler = watch("exists:" + ZNodePaths.preferredReplicaElection) {
                .replicaLeaderElection(partitions: nil, electionType: .preferred, trigger: .zkTriggered)
            }
            guard try zooKeeper.exists(ZNodePaths.preferredReplicaElection, watch: handler),
                let data = try zooKeeper.data(ZNodePaths.preferredReplicaElection, watch: nil)?.data
            else { return }
            do {
                partitions = Set(try PartitionListZNode.decode(data, path: ZNodePaths.preferredReplicaElection))
            } catch {
                logger.warning("Ignoring \(ZNodePaths.preferredReplicaElection): \(error)")
            }
        }
        let results = try onReplicaElection(partitions, electionType: electionType, cause: "\(trigger)")
        if trigger == .zkTriggered {
            let version = context.epochZKVersion
            try? zooKeeper.fencedDeleteIfExists([ZNodePaths.preferredReplicaElection], epochZKVersion: version)
            // Re-arm the creation watch for the next request.
            let handler = watch("exists:" + ZNodePaths.preferredReplicaElection) {
                .replicaLeaderElection(partitions: nil, electionType: .preferred, trigger: .zkTriggered)
            }
            _ = try zooKeeper.exists(ZNodePaths.preferredReplicaElection, watch: handler)
        }
        reply(results)
    }

    /// Kafka's `onReplicaElection`: elect the preferred (or any eligible) leader for each valid partition.
    func onReplicaElection(
        _ partitions: Set<TopicPartition>, electionType: ElectionType, cause: String
    ) throws -> [TopicPartition: Result<BrokerID, ControllerError>] {
        var results: [TopicPartition: Result<BrokerID, ControllerError>] = [:]
        var eligible: [TopicPartition] = []
        for partition in partitions.sorted() {
            if context.partitionReplicaAssignment(partition).isEmpty {
                results[partition] = .failure(ControllerError(.unknownTopicOrPartition, "unknown partition \(partition)"))
            } else if context.isTopicQueuedUpForDeletion(partition.topic) {
                results[partition] = .failure(ControllerError(.invalidTopic, "topic \(partition.topic) is being deleted"))
            } else if electionType == .preferred, let leader = context.partitionLeadershipInfo[partition]?.leaderAndISR.leader,
                leader == context.partitionReplicaAssignment(partition).first
            {
                results[partition] = .failure(ControllerError(.electionNotNeeded, "leader is already the preferred replica"))
            } else {
                eligible.append(partition)
            }
        }
        guard !eligible.isEmpty else { return results }
        logger.info("Starting replica leader election (\(electionType)) for partitions \(eligible.map(\.description).joined(separator: ",")) triggered by \(cause)")
        if electionType == .preferred {
            results.merge(try flows.onPreferredReplicaElection(eligible, cause: cause)) { _, new in new }
        } else {
            let result = try partitionStateMachine.handleStateChanges(
                eligible, to: .online, strategy: .offline(allowUnclean: true), cause: cause)
            send(result.requests)
            for (partition, outcome) in result.results { results[partition] = outcome.map(\.leader) }
        }
        return results
    }

    // MARK: - Automatic leader rebalance

    func scheduleAutoLeaderRebalance(initialDelay: Duration) {
        guard configuration.autoLeaderRebalanceEnable else { return }
        autoRebalanceTask?.cancel()
        autoRebalanceTask = Task { [weak self] in
            try? await Task.sleep(for: initialDelay)
            guard !Task.isCancelled else { return }
            self?.put(.autoPreferredReplicaLeaderElection)
        }
    }

    /// Kafka's `checkAndTriggerAutoLeaderRebalance`: per preferred leader, if more than
    /// `leader.imbalance.per.broker.percentage` of its partitions are led by someone else, move
    /// the leadership back where the preferred replica is alive and in the ISR.
    func processAutoPreferredReplicaLeaderElection() throws {
        guard isActive else { return }
        defer { scheduleAutoLeaderRebalance(initialDelay: .seconds(configuration.leaderImbalanceCheckIntervalSeconds)) }
        let elected = try flows.checkAndTriggerAutoLeaderRebalance()
        if !elected.isEmpty {
            logger.info("Auto leader rebalance moved leadership of \(elected.count) partitions to their preferred replicas")
        }
    }

    // MARK: - Controlled shutdown

    /// Kafka's `doControlledShutdown`: move leadership off the broker and take it out of ISRs; reply
    /// with the partitions it still leads (empty: safe to stop).
    func processControlledShutdown(_ id: BrokerID, brokerEpoch: Int64, reply: ControlledShutdownReply) {
        do {
            reply(.success(try doControlledShutdown(id, brokerEpoch: brokerEpoch)))
        } catch let error as ControllerError {
            reply(.failure(error))
        } catch {
            reply(.failure(ControllerError(.stateChangeFailed, "\(error)")))
        }
    }

    func doControlledShutdown(_ id: BrokerID, brokerEpoch: Int64) throws -> Set<TopicPartition> {
        guard isActive else { throw ControllerError(.notController, "broker \(configuration.brokerID) is not the controller") }
        logger.info("Shutting down broker \(id); live brokers: \(context.liveBrokerIDs.sorted())")
        // The election's, StopReplica's and ISR shrink's batches each go out when their pass ends, as Kafka's
        // (`ControllerFlows.sendPassRequests`): the new leaders take over before the ISR shrinks are written.
        var stillLed: Set<TopicPartition> = []
        try coalescingRequests { stillLed = try flows.controlledShutdown(brokerID: id, brokerEpoch: brokerEpoch) }
        return stillLed
    }
}
