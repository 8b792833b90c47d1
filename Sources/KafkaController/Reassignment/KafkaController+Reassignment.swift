import KafkaModel

/// Partition reassignment (Kafka 2.8 `onPartitionReassignment` and the controller methods around it), decided
/// here and recorded through the ``ReassignmentStore``; the shell reads the request and calls in.
///
/// Notation (Kafka's): RS = replicas, ORS = origin replicas, TRS = target replicas, AR = adding (TRS − ORS),
/// RR = removing (ORS − TRS). While a reassignment runs the topic's assignment holds RS = TRS ∪ ORS with AR and RR.
/// Phase A (TRS not yet all in the ISR): bump the leader epoch, `LeaderAndIsr` to ORS (+ AR with isNew), AR →
/// NewReplica, and watch the partition's ISR. Phase B (TRS ⊆ ISR): AR → OnlineReplica, RS = TRS in memory, move
/// the leader if it is not in TRS (reassign election) or else bump the epoch, RR → Offline → deletion
/// (StopReplica delete) → NonExistent, the topic's assignment rewritten with TRS, the partition removed from the
/// pending requests, `UpdateMetadata` to every broker.
extension KafkaController {
    // MARK: - Triggers

    /// Kafka's `processZkPartitionReassignment` after the shell read the request: start (or restart) a
    /// reassignment for each listed partition; partitions that cannot be reassigned (unknown, topic being
    /// deleted, bad target, failed) are dropped from the pending requests. Returns the partitions started.
    /// A moved controller stops the loop (the error propagates: the shell resigns).
    public func onPartitionReassignmentRequest(_ requested: [TopicPartition: [BrokerID]]) throws -> Set<TopicPartition> {
        var started: Set<TopicPartition> = []
        var failed: [TopicPartition: String] = [:]
        for (partition, target) in requested.sorted(by: { $0.key < $1.key }) {
            let current = context.partitionFullReplicaAssignment(partition)
            if context.isTopicQueuedUpForDeletion(partition.topic) {
                logger.info("Skipping reassignment of \(partition) since the topic is currently being deleted")
                failed[partition] = "UNKNOWN_TOPIC_OR_PARTITION: the topic is being deleted"
            } else if current.replicas.isEmpty {
                failed[partition] = "UNKNOWN_TOPIC_OR_PARTITION: the partition does not exist"
            } else if target.isEmpty || Set(target).count != target.count {
                failed[partition] = "INVALID_REPLICA_ASSIGNMENT: empty or duplicate replicas \(target)"
            } else {
                do {
                    try onPartitionReassignment(partition, current.reassignTo(target))
                    started.insert(partition)
                } catch let error as ControllerError where error.code == .controllerMoved {
                    logger.info("Failed completing reassignment of partition \(partition) because controller has moved to another broker")
                    throw error
                } catch {
                    logger.error("Error completing reassignment of partition \(partition): \(error)")
                    failed[partition] = "UNKNOWN_SERVER_ERROR: \(error)"
                }
            }
        }
        if !failed.isEmpty {
            logger.warning("Failed reassignment through zk with the following errors: \(failed.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" })")
            try removeFromPendingReassignments { partition, _ in failed[partition] != nil }
        }
        return started
    }

    /// Kafka's `processPartitionReassignmentIsrChange`: the ISR of a partition changed; if it is being
    /// reassigned, watch it again and complete the reassignment once every target replica is in the ISR.
    public func onPartitionReassignmentISRChange(_ partition: TopicPartition) throws {
        guard context.partitionsBeingReassigned.contains(partition) else { return }
        reassignmentStore.watchISRChanges(of: partition)
        let reassignment = context.partitionFullReplicaAssignment(partition)
        if try isReassignmentComplete(partition, reassignment) {
            logger.info("Target replicas \(reassignment.targetReplicas) have all caught up with the leader for reassigning partition \(partition)")
            try onPartitionReassignment(partition, reassignment)
        }
    }

    /// Failover, once the assignments are loaded: partitions whose assignment has adding or removing replicas
    /// are being reassigned (Kafka's `initializeControllerContext`).
    public func loadPartitionsBeingReassigned() {
        for partition in context.allPartitions where context.partitionFullReplicaAssignment(partition).isBeingReassigned {
            context.partitionsBeingReassigned.insert(partition)
        }
    }

    /// The second half of Kafka's `initializePartitionReassignments` (failover, after the state machines started
    /// and the pending requests were handled): resume the in-flight reassignments recorded only in the topics'
    /// assignments, except those a request just (re)started.
    public func resumePartitionReassignments(skipping started: Set<TopicPartition>) throws {
        for partition in context.partitionsBeingReassigned.sorted() where !started.contains(partition) {
            try onPartitionReassignment(partition, context.partitionFullReplicaAssignment(partition))
        }
    }

    // MARK: - The reassignment

    /// Kafka's `onPartitionReassignment` (see the extension's comment for the phases).
    public func onPartitionReassignment(_ partition: TopicPartition, _ reassignment: ReplicaAssignment) throws {
        // While a reassignment is in progress, deletion is not allowed.
        topicDeletionManager.markTopicIneligibleForDeletion([partition.topic], reason: "topic reassignment in progress")
        try updateCurrentReassignment(partition, reassignment)
        let cause = "PartitionReassignment"
        if try !isReassignmentComplete(partition, reassignment) {
            logger.info("Reassignment of \(partition) to \(reassignment.targetReplicas) waits until every target replica is in the ISR")
            // A1. LeaderAndIsr with the new RS, AR and RR to ORS + AR.
            try updateLeaderEpochAndSendRequest(partition, reassignment)
            // A2. AR → NewReplica.
            for replica in reassignment.addingReplicas {
                send(try replicaStateMachine.handleStateChanges(
                    [PartitionReplica(topicPartition: partition, replica: replica)], to: .new, cause: cause).requests)
            }
            return
        }
        // B1. AR → OnlineReplica.
        send(try replicaStateMachine.handleStateChanges(
            reassignment.addingReplicas.map { PartitionReplica(topicPartition: partition, replica: $0) }, to: .online,
            cause: cause).requests)
        // B2. RS = TRS, AR = RR = [] in memory.
        let completed = ReplicaAssignment(replicas: reassignment.targetReplicas)
        context.updatePartitionFullReplicaAssignment(partition, completed)
        // B3. New leader if the current one is not in TRS (or is offline), else a new leader epoch.
        try moveReassignedPartitionLeaderIfRequired(partition, completed)
        // B4, B5. RR → Offline (out of the ISR) → deleted → NonExistent.
        try stopRemovedReplicasOfReassignedPartition(partition, reassignment.removingReplicas)
        // B6. Topic assignment: RS = TRS, AR = RR = [].
        try updateReplicaAssignmentForPartition(partition, completed)
        // B7. Drop the partition from the pending requests.
        try removePartitionFromReassigningPartitions(partition, completed)
        // B8. Everyone learns the new replicas and leader.
        flows.sendUpdateMetadataRequest(brokerIDs: context.liveOrShuttingDownBrokerIDs.sorted(), partitions: [partition])
        logger.info("Completed reassignment of \(partition) to \(completed.replicas)")
        try topicDeletionManager.resumeDeletionForTopics([partition.topic])
    }

    /// Kafka's `updateCurrentReassignment`: record RS/AR/RR in the store and memory (stopping replicas an
    /// earlier in-flight reassignment added that are no longer wanted), watch the partition's ISR.
    private func updateCurrentReassignment(_ partition: TopicPartition, _ reassignment: ReplicaAssignment) throws {
        let current = context.partitionFullReplicaAssignment(partition)
        if current != reassignment {
            logger.debug("Updating assignment of partition \(partition) from \(current) to \(reassignment)")
            try updateReplicaAssignmentForPartition(partition, reassignment)
            context.updatePartitionFullReplicaAssignment(partition, reassignment)
            let unneeded = current.replicas.filter { !reassignment.replicas.contains($0) }
            if !unneeded.isEmpty { try stopRemovedReplicasOfReassignedPartition(partition, unneeded) }
        }
        reassignmentStore.watchISRChanges(of: partition)
        context.partitionsBeingReassigned.insert(partition)
    }

    /// Kafka's `isReassignmentComplete`: not being reassigned, or TRS ⊆ ISR (a fresh read of the partition state).
    private func isReassignmentComplete(_ partition: TopicPartition, _ assignment: ReplicaAssignment) throws -> Bool {
        guard assignment.isBeingReassigned else { return true }
        guard case .success(let state?)? = try partitionStateMachine.store.partitionStates([partition])[partition] else {
            return false
        }
        return Set(assignment.targetReplicas).isSubset(of: state.leaderAndISR.isr)
    }

    /// Kafka's `moveReassignedPartitionLeaderIfRequired`.
    private func moveReassignedPartitionLeaderIfRequired(_ partition: TopicPartition, _ assignment: ReplicaAssignment) throws {
        let leader = context.partitionLeadershipInfo[partition]?.leaderAndISR.leader ?? LeaderAndISR.noLeader
        if assignment.replicas.contains(leader) && context.isReplicaOnline(leader, partition) {
            logger.info("Leader \(leader) for partition \(partition) being reassigned is already in the new list of replicas \(assignment.replicas) and is alive")
            try updateLeaderEpochAndSendRequest(partition, assignment)
            return
        }
        logger.info("Leader \(leader) for partition \(partition) being reassigned is not in the new list of replicas \(assignment.replicas) or is offline. Re-electing leader")
        let result = try partitionStateMachine.handleStateChanges(
            [partition], to: .online, strategy: .reassign, cause: "PartitionReassignment")
        send(result.requests)
        if case .failure(let error)? = result.results[partition] {
            throw ControllerError(.stateChangeFailed, "Could not elect a leader among \(assignment.replicas) for \(partition): \(error.message)")
        }
    }

    /// Kafka's `stopRemovedReplicasOfReassignedPartition`: Offline (ISR shrink, StopReplica), then
    /// deletion started (StopReplica delete) → successful → NonExistent without waiting for the answers
    /// (Kafka's own TODO: no retry if the broker fails to delete).
    private func stopRemovedReplicasOfReassignedPartition(_ partition: TopicPartition, _ removed: [BrokerID]) throws {
        guard !removed.isEmpty else { return }
        let replicas = removed.map { PartitionReplica(topicPartition: partition, replica: $0) }
        for target in [ReplicaState.offline, .deletionStarted, .deletionSuccessful, .nonExistent] {
            send(try replicaStateMachine.handleStateChanges(replicas, to: target, cause: "PartitionReassignment").requests)
        }
    }

    /// Kafka's `updateLeaderEpochAndSendRequest`: bump the leader epoch (so brokers accept the new replica
    /// list), `LeaderAndIsr` to ORS (isNew false) and AR (isNew true).
    private func updateLeaderEpochAndSendRequest(_ partition: TopicPartition, _ assignment: ReplicaAssignment) throws {
        let info = try updateLeaderEpoch(partition)
        var batch = BrokerRequestBatch()
        try batch.newBatch()
        batch.addLeaderAndISRRequest(
            brokerIDs: assignment.originReplicas, partition: partition, leaderISRAndControllerEpoch: info,
            assignment: assignment, isNew: false, context: context)
        batch.addLeaderAndISRRequest(
            brokerIDs: assignment.addingReplicas, partition: partition, leaderISRAndControllerEpoch: info,
            assignment: assignment, isNew: true, context: context)
        send(batch.makeRequests(controllerID: controllerID, controllerEpoch: context.epoch, context: context))
        logger.info("Sent LeaderAndIsr request \(info) with new replica assignment \(assignment) to replicas \(assignment.replicas) for partition being reassigned \(partition)")
    }

    /// Kafka's `updateLeaderEpoch`: same leader and ISR, leader epoch + 1, CAS (re-read on `BADVERSION`).
    private func updateLeaderEpoch(_ partition: TopicPartition) throws -> LeaderISRAndControllerEpoch {
        let store = partitionStateMachine.store
        while true {
            guard case .success(let stored?)? = try store.partitionStates([partition])[partition] else {
                throw ControllerError(.stateChangeFailed, "Cannot update the leader epoch of \(partition): no partition state in ZooKeeper")
            }
            if stored.controllerEpoch > context.epoch {
                throw ControllerError(
                    .stateChangeFailed,
                    "Leader and isr path of \(partition) written by another controller with epoch \(stored.controllerEpoch); aborting")
            }
            let current = stored.leaderAndISR
            let bumped = current.newLeaderAndISR(leader: current.leader, isr: current.isr)
            let writes = try store.updateLeaderAndISR(
                [partition: bumped], controllerEpoch: context.epoch, expectedControllerEpochZKVersion: context.epochZKVersion)
            switch writes[partition] {
            case .success(let written)?:
                let info = LeaderISRAndControllerEpoch(leaderAndISR: written, controllerEpoch: context.epoch)
                context.putPartitionLeadershipInfo(partition, info)
                return info
            case .failure(.badVersion)?, nil:
                continue
            case .failure(let error)?:
                throw ControllerError(.stateChangeFailed, "Could not update the leader epoch of \(partition): \(error)")
            }
        }
    }

    // MARK: - The store

    /// Kafka's `updateReplicaAssignmentForPartition`: the topic's assignment as the context holds it, with
    /// `assignment` for `partition`, written through the store.
    private func updateReplicaAssignmentForPartition(_ partition: TopicPartition, _ assignment: ReplicaAssignment) throws {
        var partitions: [Int32: ReplicaAssignment] = [:]
        for topicPartition in context.partitionsForTopic(partition.topic) {
            partitions[topicPartition.partition] = context.partitionFullReplicaAssignment(topicPartition)
        }
        partitions[partition.partition] = assignment
        try reassignmentStore.setTopicAssignment(
            partition.topic, partitions, expectedControllerEpochZKVersion: context.epochZKVersion)
        logger.info("Successfully updated assignment of partition \(partition) to \(assignment)")
    }

    /// Kafka's `removePartitionFromReassigningPartitions`.
    private func removePartitionFromReassigningPartitions(_ partition: TopicPartition, _ assignment: ReplicaAssignment) throws {
        guard context.partitionsBeingReassigned.contains(partition) else {
            logger.error("Cannot remove reassigning partition \(partition): it is not being reassigned in memory")
            return
        }
        try removeFromPendingReassignments { candidate, replicas in candidate == partition && replicas == assignment.replicas }
        context.partitionsBeingReassigned.remove(partition)
    }

    /// Kafka's `maybeRemoveFromZkReassignment`: the pending requests without the matching entries (none left:
    /// the request is removed).
    private func removeFromPendingReassignments(_ shouldRemove: (TopicPartition, [BrokerID]) -> Bool) throws {
        guard let listed = try reassignmentStore.pendingReassignments() else { return }
        let remaining = listed.filter { !shouldRemove($0.key, $0.value) }
        logger.info("Removing partitions \(listed.keys.filter { remaining[$0] == nil }.sorted().map(\.description)) from the list of reassigned partitions in zookeeper")
        if remaining.isEmpty {
            logger.info("No more partitions need to be reassigned. Deleting the pending reassignment request")
        }
        try reassignmentStore.setPendingReassignments(remaining, expectedControllerEpochZKVersion: context.epochZKVersion)
    }
}
