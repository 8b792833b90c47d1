import KafkaLog
import KafkaModel
import KafkaProtocol

extension BrokerApiTable {
    /// OffsetsForLeaderEpoch (key 23, v0–4), Kafka 2.8 `handleOffsetForLeaderEpochRequest` +
    /// `ReplicaManager.lastOffsetForLeaderEpoch`: for each partition, the largest leader epoch ≤ the
    /// requested one and where it ends in the leader's log (`Partition.lastOffsetForLeaderEpoch`).
    /// Followers (KIP-101) and consumers checking for truncation after a leader change (KIP-320)
    /// use it. Only the leader answers (NOT_LEADER_OR_FOLLOWER); an unknown topic is
    /// UNKNOWN_TOPIC_OR_PARTITION.
    static func offsetForLeaderEpoch(context: BrokerContext) -> BrokerApi {
        .typed(OffsetForLeaderEpochRequest.self, versions: 0...4) { request, header, _ in
            let topics = request.topics.map { topic in
                OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult(
                    topic: topic.topic,
                    partitions: topic.partitions.map { requested in
                        let topicPartition = TopicPartition(topic: topic.topic, partition: requested.partition)
                        var answer = OffsetForLeaderEpochResponse.EpochEndOffset(partition: requested.partition)
                        guard let partition = context.replicaManager.partition(topicPartition) else {
                            let known = context.metadataCache.snapshot.contains(topic: topic.topic)
                            answer.errorCode = (known ? KafkaErrorCode.notLeaderOrFollower : .unknownTopicOrPartition).rawValue
                            return answer
                        }
                        let found = partition.lastOffsetForLeaderEpoch(
                            currentLeaderEpoch: header.apiVersion >= 2 ? requested.currentLeaderEpoch : -1,
                            leaderEpoch: requested.leaderEpoch, fetchOnlyFromLeader: true)
                        answer.errorCode = found.errorCode.rawValue
                        answer.leaderEpoch = found.leaderEpoch
                        answer.endOffset = found.endOffset
                        return answer
                    })
            }
            return OffsetForLeaderEpochResponse(throttleTimeMs: 0, topics: topics)
        }
    }
}
