import KafkaProtocol

/// What a topic creation may ask for, checked before any work is done for it.
///
/// Kafka 2.8 places replicas for whatever partition count a CreateTopics or CreatePartitions names
/// (`AdminUtils.assignReplicasToBrokers` only refuses counts ≤ 0), so one request for 2³¹ − 1 partitions
/// keeps handler threads busy for minutes and the cluster stalls behind them. ZKafka refuses such a
/// request up front, in the spirit of KIP-578's `max.partitions` (and of Kafka 4.0's KAFKA-17870, which
/// checks the count "before using ReplicaPlacer"): the answer is POLICY_VIOLATION naming the limit.
struct TopicCreationLimits: Sendable, Equatable {
    /// `max.partitions`: the most partitions the whole cluster may hold.
    var maxPartitions: Int

    /// Why creating `partitions` partitions with `replicationFactor` replicas each for `topic` must be refused
    /// when the cluster already holds `existingPartitions`, or nil. Counts ≤ 0 get Kafka's own messages.
    func problem(
        topic: String, partitions: Int, replicationFactor: Int, existingPartitions: Int
    ) -> (code: KafkaErrorCode, message: String)? {
        if partitions <= 0 { return (.invalidPartitions, "Number of partitions must be larger than 0.") }
        if replicationFactor <= 0 { return (.invalidReplicationFactor, "Replication factor must be larger than 0.") }
        let room = max(0, maxPartitions - existingPartitions)
        if partitions > room {
            return (
                .policyViolation,
                "Topic '\(topic)' asks for \(partitions) partitions, but the cluster holds \(existingPartitions) "
                    + "and max.partitions is \(maxPartitions): at most \(room) more can be created.")
        }
        return nil
    }
}
