import KafkaModel

extension ControllerFlows {
    /// Kafka 2.8's `processAlterIsr` after the active-controller check: decide (``AlterIsrDecision``), write every
    /// accepted partition state in one call to the store — fenced by the controller epoch's zkVersion, one
    /// compare-and-set per partition on the zkVersion the leader sent, pipelined multis in ZooKeeper mode (Kafka's
    /// `zkClient.updateLeaderAndIsr`) — put the written states into the context, and send UpdateMetadata for
    /// every partition of the request to every live or shutting-down broker.
    ///
    /// Kafka re-reads the written partitions from ZooKeeper (`updateLeaderAndIsrCache`); the store's answer is
    /// the state the compare-and-set wrote, with its new zkVersion, so it goes into the context as it is.
    ///
    /// Throws what the store throws for the whole call: ``ControllerError/Code/controllerMoved`` when the
    /// controller epoch check failed (the shell answers NOT_CONTROLLER and resigns).
    public func alterIsr(
        brokerID: BrokerID, brokerEpoch: Int64, changes: [TopicPartition: LeaderAndISR], cause: String = "AlterIsrReceived"
    ) throws -> Result<AlterIsrOutcome, ControllerError> {
        let decision: AlterIsrDecision
        switch AlterIsrDecision.decide(brokerID: brokerID, brokerEpoch: brokerEpoch, changes: changes, context: context) {
        case .failure(let error):
            logger.info("\(error.message)")
            return .failure(error)
        case .success(let decided):
            decision = decided
        }
        var results = decision.answers
        var written: Set<TopicPartition> = []
        if !decision.writes.isEmpty {
            let outcomes = try partitionStateMachine.store.updateLeaderAndISR(
                decision.writes, controllerEpoch: context.epoch, expectedControllerEpochZKVersion: context.epochZKVersion)
            for (partition, requested) in decision.writes {
                let state = context.partitionState(partition)
                switch outcomes[partition] {
                case .success(let leaderAndISR):
                    context.putPartitionLeadershipInfo(
                        partition, LeaderISRAndControllerEpoch(leaderAndISR: leaderAndISR, controllerEpoch: context.epoch))
                    recorder.isrChange(
                        partition, state: state, leaderAndISR: leaderAndISR, controllerEpoch: context.epoch, cause: cause,
                        outcome: .applied)
                    results[partition] = .success(leaderAndISR)
                    written.insert(partition)
                case .failure(.badVersion):
                    recorder.isrChange(
                        partition, state: state, leaderAndISR: requested, controllerEpoch: context.epoch, cause: cause,
                        outcome: .failed, reason: "bad ZK version")
                    results[partition] = .failure(
                        ControllerError(.invalidUpdateVersion, "zkVersion \(requested.zkVersion) of \(partition) is stale"))
                case .failure(let error):
                    recorder.isrChange(
                        partition, state: state, leaderAndISR: requested, controllerEpoch: context.epoch, cause: cause,
                        outcome: .failed, reason: "\(error)")
                    results[partition] = .failure(ControllerError(.unknownServerError, "Failed to update ISR of \(partition): \(error)"))
                case nil:
                    results[partition] = .failure(ControllerError(.unknownServerError, "No write outcome for \(partition)"))
                }
            }
        }
        // Kafka sends UpdateMetadata for every partition of the request (`processUpdateNotifications(isrsToAlter.keys)`);
        // the batch leaves out those the context has no leadership of.
        let known = changes.keys.filter { context.partitionLeadershipInfo[$0] != nil }.sorted()
        if !known.isEmpty {
            sendUpdateMetadataRequest(brokerIDs: context.liveOrShuttingDownBrokerIDs.sorted(), partitions: known)
        }
        return .success(AlterIsrOutcome(results: results, written: written))
    }
}
