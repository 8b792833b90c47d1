import KafkaLog
import KafkaModel
import KafkaProtocol

extension BrokerApiTable {
    /// ListOffsets (key 2), Kafka 2.8 `handleListOffsetRequest` + `Partition.fetchOffsetForTimestamp`:
    /// -2 is the log start offset, -1 the end a client may read (the high watermark for consumers,
    /// the log end offset for followers), any other timestamp the first offset at or after it.
    /// Only the leader answers, except for debugging consumers (replica id -2).
    static func listOffsets(context: BrokerContext) -> BrokerApi {
        .typed(ListOffsetsRequest.self, versions: 0...6) { request, header, _ in
            let version = header.apiVersion
            let topics = request.topics.map { topic in
                ListOffsetsResponse.ListOffsetsTopicResponse(
                    name: topic.name,
                    partitions: topic.partitions.map { requested in
                        answer(
                            TopicPartition(topic: topic.name, partition: requested.partitionIndex), requested,
                            replicaID: request.replicaId, version: version, context: context)
                    })
            }
            return ListOffsetsResponse(throttleTimeMs: 0, topics: topics)
        }
    }

    private static func answer(
        _ topicPartition: TopicPartition, _ requested: ListOffsetsRequest.ListOffsetsPartition, replicaID: Int32,
        version: Int16, context: BrokerContext
    ) -> ListOffsetsResponse.ListOffsetsPartitionResponse {
        var answer = ListOffsetsResponse.ListOffsetsPartitionResponse(partitionIndex: topicPartition.partition)
        func fail(_ code: KafkaErrorCode) -> ListOffsetsResponse.ListOffsetsPartitionResponse {
            answer.errorCode = code.rawValue
            answer.timestamp = -1
            answer.offset = -1
            return answer
        }
        guard let partition = context.replicaManager.partition(topicPartition) else {
            return fail(context.metadataCache.snapshot.contains(topic: topicPartition.topic) ? .notLeaderOrFollower : .unknownTopicOrPartition)
        }
        let state = partition.replicationState
        // Replica id -2 is a debugging consumer, allowed to ask a follower (Kafka's DebuggingConsumerId).
        if replicaID != -2 && !state.isLeader { return fail(.notLeaderOrFollower) }
        if version >= 4 && requested.currentLeaderEpoch >= 0 {
            if requested.currentLeaderEpoch < state.leaderEpoch { return fail(.fencedLeaderEpoch) }
            if requested.currentLeaderEpoch > state.leaderEpoch { return fail(.unknownLeaderEpoch) }
        }
        let log = partition.log
        let isFollower = replicaID >= 0
        // Consumers never learn of offsets above the high watermark (read_uncommitted isolation).
        let lastFetchable = isFollower ? log.logEndOffset : log.highWatermark
        var offset: Int64 = -1
        var timestamp: Int64 = -1
        switch requested.timestamp {
        case -2: offset = log.logStartOffset
        case -1: offset = lastFetchable
        default:
            do {
                if let found = try log.offset(forTimestamp: requested.timestamp), found.offset < lastFetchable {
                    offset = found.offset
                    timestamp = found.timestamp
                }
            } catch {
                context.logger.error("Offset lookup by timestamp in \(topicPartition) failed: \(error)")
                return fail(.kafkaStorageError)
            }
        }
        if version == 0 {
            // v0 answers a list of offsets (at most max_num_offsets); Kafka lists segment base
            // offsets, this broker the one offset found.
            answer.oldStyleOffsets = offset >= 0 && requested.maxNumOffsets > 0 ? [offset] : []
        } else {
            answer.offset = offset
            answer.timestamp = timestamp
            answer.leaderEpoch = state.leaderEpoch
        }
        return answer
    }
}
