import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol

/// AlterPartition (KIP-497, formerly AlterIsr): a partition leader asks the controller to change its ISR.
/// This replaces ZooKeeper mode's leader writing the partition-state znode with a zkVersion check; the
/// partition epoch plays the zkVersion's part (`ReplicationControlManager.alterPartition`).
extension QuorumController {
    /// Validates each partition in Kafka 3.3's order and returns one PartitionChangeRecord per accepted ISR
    /// change:
    ///
    /// 1. the request's broker epoch must be the leader's registration epoch (else STALE_BROKER_EPOCH for all);
    /// 2. unknown topic or partition: UNKNOWN_TOPIC_OR_PARTITION;
    /// 3. a leader epoch other than the current one: FENCED_LEADER_EPOCH;
    /// 4. a sender that is not the leader: INVALID_REQUEST;
    /// 5. a partition epoch other than the current one: INVALID_UPDATE_VERSION (the ZooKeeper-mode
    ///    zkVersion conflict);
    /// 6. an ISR that is empty, has duplicates, has non-replicas, or lacks the leader: INVALID_REQUEST;
    /// 7. an ISR with a member that is unregistered, fenced or in controlled shutdown: INELIGIBLE_REPLICA (KIP-841;
///    AlterPartition v2, whose older versions answer OPERATION_NOT_ATTEMPTED).
    ///
    /// An accepted change keeps the leader; the outcome is the state after the record (partition epoch + 1).
    public func alterPartition(
        brokerID: BrokerID, brokerEpoch: Int64, partitions: [AlterPartitionInput]
    ) -> ControllerResult<[AlterPartitionOutcome]> {
        guard let registration = state.brokers[brokerID], registration.epoch == brokerEpoch else {
            return ControllerResult(
                records: [], response: partitions.map { failure($0.topicPartition, .staleBrokerEpoch) })
        }
        var records: [MetadataRecord] = []
        var outcomes: [AlterPartitionOutcome] = []
        for request in partitions {
            let tp = request.topicPartition
            guard let topic = state.topic(named: tp.topic), let current = topic.partitions[tp.partition] else {
                outcomes.append(failure(tp, .unknownTopicOrPartition))
                continue
            }
            if let error = validate(request, current: current, brokerID: brokerID) {
                outcomes.append(failure(tp, error))
                continue
            }
            var next = current
            if request.newISR != current.isr {
                let record = PartitionChangeRecord(partitionId: tp.partition, topicId: topic.id, isr: request.newISR)
                records.append(.partitionChange(record))
                next = current.merging(record)
            }
            outcomes.append(AlterPartitionOutcome(
                topicPartition: tp, errorCode: .none, leader: next.leader, leaderEpoch: next.leaderEpoch,
                isr: next.isr, partitionEpoch: next.partitionEpoch))
        }
        return ControllerResult(records: records, response: outcomes)
    }

    private func validate(_ request: AlterPartitionInput, current: PartitionRegistration, brokerID: BrokerID) -> KafkaErrorCode? {
        if request.leaderEpoch != current.leaderEpoch { return .fencedLeaderEpoch }
        if brokerID != current.leader { return .invalidRequest }
        if request.partitionEpoch != current.partitionEpoch { return .invalidUpdateVersion }
        let isr = request.newISR
        if isr.isEmpty || Set(isr).count != isr.count || !isr.allSatisfy(current.replicas.contains)
            || !isr.contains(current.leader)
        {
            return .invalidRequest
        }
        let eligible = state.electableBrokerIDs
        // `ineligibleReplicasForIsr`: every member must be registered, unfenced and not shutting down.
        if isr.contains(where: { !eligible.contains($0) }) { return .ineligibleReplica }
        return nil
    }

    private func failure(_ tp: TopicPartition, _ code: KafkaErrorCode) -> AlterPartitionOutcome {
        AlterPartitionOutcome(topicPartition: tp, errorCode: code, leader: -1, leaderEpoch: -1, isr: [], partitionEpoch: -1)
    }
}
