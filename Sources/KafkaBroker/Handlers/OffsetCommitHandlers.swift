import KafkaGroupCoordinator
import KafkaModel
import KafkaProtocol

extension BrokerApiTable {
    /// OffsetCommit (v0–v7) and OffsetFetch (v0–v5), Kafka 2.8 `handleOffsetCommitRequest` /
    /// `handleOffsetFetchRequest` against this broker's group coordinator. Offsets are stored in
    /// `__consumer_offsets` (v0, which Kafka kept in ZooKeeper, is stored there too).
    static func offsetCommitAndFetch(context: BrokerContext) -> [BrokerApi] {
        let coordinator = context.groupCoordinator
        return [
            .typed(OffsetCommitRequest.self, versions: 0...7) { request, header, _ in
                let version = header.apiVersion
                let now = GroupCoordinator.nowMs()
                var offsets: [TopicPartition: OffsetAndMetadata] = [:]
                for topic in request.topics {
                    for partition in topic.partitions {
                        // v1 may carry the commit time; v2–v4 a retention time (-1: the broker's).
                        let commitTime = version == 1 && partition.commitTimestamp >= 0 ? partition.commitTimestamp : now
                        let expire = (2...4).contains(version) && request.retentionTimeMs >= 0 ? commitTime + request.retentionTimeMs : nil
                        offsets[TopicPartition(topic: topic.name, partition: partition.partitionIndex)] = OffsetAndMetadata(
                            offset: partition.committedOffset,
                            leaderEpoch: version >= 6 && partition.committedLeaderEpoch >= 0 ? partition.committedLeaderEpoch : nil,
                            metadata: partition.committedMetadata ?? "", commitTimestampMs: commitTime, expireTimestampMs: expire)
                    }
                }
                let errors = await coordinator.commitOffsets(
                    groupId: request.groupId, memberId: version >= 1 ? request.memberId : "",
                    groupInstanceId: request.groupInstanceId, generationId: version >= 1 ? request.generationId : -1, offsets)
                return OffsetCommitResponse(
                    throttleTimeMs: 0,
                    topics: request.topics.map { topic in
                        .init(name: topic.name, partitions: topic.partitions.map {
                            .init(
                                partitionIndex: $0.partitionIndex,
                                errorCode: (errors[TopicPartition(topic: topic.name, partition: $0.partitionIndex)] ?? .none).rawValue)
                        })
                    })
            },
            .typed(OffsetFetchRequest.self, versions: 0...5) { request, header, _ in
                let version = header.apiVersion
                // v2+: null topics means every partition the group committed.
                let wanted = request.topics.map { topics in
                    topics.flatMap { topic in topic.partitionIndexes.map { TopicPartition(topic: topic.name, partition: $0) } }
                }
                let (error, offsets) = coordinator.fetchOffsets(groupId: request.groupId, partitions: version >= 2 ? wanted : (wanted ?? []))
                if error != .none {
                    // v0–v1 have no top-level error: it goes to each partition.
                    return OffsetFetchResponse(
                        throttleTimeMs: 0,
                        topics: version >= 2 ? [] : (request.topics ?? []).map { topic in
                            .init(name: topic.name, partitions: topic.partitionIndexes.map {
                                .init(partitionIndex: $0, committedOffset: -1, committedLeaderEpoch: -1, metadata: "", errorCode: error.rawValue)
                            })
                        },
                        errorCode: error.rawValue)
                }
                var order: [String] = []
                var byTopic: [String: [OffsetFetchResponse.OffsetFetchResponsePartition]] = [:]
                for (topicPartition, offset) in offsets {
                    if byTopic[topicPartition.topic] == nil { order.append(topicPartition.topic) }
                    byTopic[topicPartition.topic, default: []].append(.init(
                        partitionIndex: topicPartition.partition, committedOffset: offset?.offset ?? -1,
                        committedLeaderEpoch: offset?.leaderEpoch ?? -1, metadata: offset?.metadata ?? "", errorCode: 0))
                }
                return OffsetFetchResponse(
                    throttleTimeMs: 0, topics: order.map { .init(name: $0, partitions: byTopic[$0]!) }, errorCode: 0)
            },
        ]
    }
}
