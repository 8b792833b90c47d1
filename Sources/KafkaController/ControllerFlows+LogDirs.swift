import KafkaModel

/// Log directory failures (Kafka 2.8 `KafkaController.onBrokerLogDirFailure` and
/// `processLeaderAndIsrResponseReceived`). A broker whose log dir failed writes
/// `/log_dir_event_notification/log_dir_event_<seq>`; the controller does not learn which replicas were in that
/// dir from the notification. It asks: every replica on the broker → OnlineReplica, which sends LeaderAndIsr, and
/// the broker answers KAFKA_STORAGE_ERROR for each partition whose log is offline. Those answers mark the replicas
/// offline (`replicasOnOfflineDirs`) and run ``onReplicasBecomeOffline(_:cause:)``: partitions they led are
/// re-elected, the replicas leave the ISRs.
extension ControllerFlows {
    /// Kafka's `onBrokerLogDirFailure`: "send LeaderAndIsrRequest for all replicas on those brokers to see if they
    /// are still online".
    public func onBrokerLogDirFailure(_ brokerIDs: [BrokerID], cause: String = "LogDirEventNotification") throws {
        let replicas = context.replicasOnBrokers(Set(brokerIDs))
        sender.send(try replicaStateMachine.handleStateChanges(replicas, to: .online, cause: cause).requests)
    }

    /// Kafka's `processLeaderAndIsrResponseReceived`: a top-level error is only logged; otherwise the broker's
    /// offline replicas become (previous − answered NONE) ∪ answered KAFKA_STORAGE_ERROR, and the newly offline ones
    /// go through ``onReplicasBecomeOffline(_:cause:)``. Returns the newly offline replicas' partitions.
    @discardableResult
    public func onLeaderAndISRResponse(
        brokerID: BrokerID, errorCode: Int16, partitionErrors: [TopicPartition: Int16],
        cause: String = "LeaderAndIsrResponseReceived"
    ) throws -> [TopicPartition] {
        guard errorCode == 0 else { return [] }
        let offline = Set(partitionErrors.filter { $0.value == Self.kafkaStorageError }.keys)
        let online = Set(partitionErrors.filter { $0.value == 0 }.keys)
        let previous = context.replicasOnOfflineDirectories[brokerID] ?? []
        let current = previous.subtracting(online).union(offline)
        context.replicasOnOfflineDirectories[brokerID] = current.isEmpty ? nil : current
        let newlyOffline = current.subtracting(previous).sorted()
        if !newlyOffline.isEmpty {
            try onReplicasBecomeOffline(newlyOffline.map { PartitionReplica(topicPartition: $0, replica: brokerID) }, cause: cause)
        }
        return newlyOffline
    }

    /// Kafka's `Errors.KAFKA_STORAGE_ERROR` (the controller core does not depend on the protocol module).
    static let kafkaStorageError: Int16 = 56
}
