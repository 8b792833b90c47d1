import KafkaMetadata
import KafkaModel

/// What the control plane tells a broker, applied in one place whichever control plane it is: the
/// ZooKeeper-mode controller's LeaderAndIsr, StopReplica and UpdateMetadata requests, or the
/// deltas a KRaft broker replays from `__cluster_metadata` (Kafka 3.3's `BrokerMetadataPublisher`
/// calls the same `ReplicaManager` and group-coordinator code as `KafkaApis` does in ZooKeeper mode).
extension BrokerContext {
    /// `ReplicaManager.becomeLeaderOrFollower`, then Kafka's `onLeadershipChange`: the group
    /// coordinator loads the groups of the `__consumer_offsets` partitions it now leads and
    /// unloads those it follows. Returns the refused partitions.
    func applyLeadership(
        _ states: [ReplicaManager.BecomeLeaderOrFollower], leaderEndpoints: [BrokerID: ReplicaFetcherManager.Endpoint],
        acceptsPartitionEpochChanges: Bool = false, topicConfig: @escaping @Sendable (String) async -> [String: String]?
    ) async -> [TopicPartition: ReplicaManager.Refusal] {
        let refused = await replicaManager.becomeLeaderOrFollower(
            states, leaderEndpoints: leaderEndpoints, acceptsPartitionEpochChanges: acceptsPartitionEpochChanges,
            topicConfig: topicConfig)
        for state in states where state.topicPartition.topic == GroupCoordinator.offsetsTopic {
            guard refused[state.topicPartition] == nil else { continue }
            if state.leader == brokerID {
                groupCoordinator.onElection(partition: state.topicPartition.partition)
            } else {
                groupCoordinator.onResignation(partition: state.topicPartition.partition)
            }
        }
        return refused
    }

    /// `ReplicaManager.stopReplicas`, and the group coordinator unloads the offsets partitions stopped.
    func applyStopReplicas(
        _ partitions: [(TopicPartition, leaderEpoch: Int32)], delete: Set<TopicPartition>
    ) -> [TopicPartition: ReplicaManager.Refusal] {
        let refused = replicaManager.stopReplicas(partitions, delete: delete)
        for (topicPartition, _) in partitions where topicPartition.topic == GroupCoordinator.offsetsTopic && refused[topicPartition] == nil {
            groupCoordinator.onResignation(partition: topicPartition.partition)
        }
        return refused
    }
}

extension BrokerFrontEnd {
    /// A KRaft broker's metadata publisher: the cache takes the image as UpdateMetadata would carry it.
    public func applyMetadataUpdate(_ update: MetadataUpdate) {
        context.metadataCache.apply(update)
    }

    /// A KRaft broker's metadata publisher: leader and follower changes from a delta, through the
    /// same code as LeaderAndIsr (partition-epoch-only changes included, as `applyDelta` does).
    public func applyLeadership(
        _ states: [ReplicaManager.BecomeLeaderOrFollower], leaderEndpoints: [BrokerID: ReplicaFetcherManager.Endpoint],
        topicConfig: @escaping @Sendable (String) async -> [String: String]?
    ) async -> [TopicPartition: ReplicaManager.Refusal] {
        await context.applyLeadership(
            states, leaderEndpoints: leaderEndpoints, acceptsPartitionEpochChanges: true, topicConfig: topicConfig)
    }

    /// A KRaft broker's metadata publisher: replicas of removed topics or reassigned away, through the
    /// same code as StopReplica with delete.
    public func applyStopReplicas(_ partitions: [TopicPartition], delete: Bool) -> [TopicPartition: ReplicaManager.Refusal] {
        context.applyStopReplicas(partitions.map { ($0, leaderEpoch: -2) }, delete: delete ? Set(partitions) : [])
    }
}
