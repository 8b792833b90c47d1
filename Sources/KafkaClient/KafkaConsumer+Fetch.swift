import KafkaProtocol
import NIOCore

/// What one partition's part of a Fetch response came to.
struct PartitionFetchResult: Sendable {
    enum Outcome: Sendable {
        case records(FetchedRecordsDecoder.Decoded)
        case offsetOutOfRange
        /// Try again next round; `invalidate`: the leader is stale, refresh metadata first.
        case retry(invalidate: Bool)
        case failed(KafkaClientError)
    }

    var partition: TopicPartitionKey
    var fetchOffset: Int64
    var outcome: Outcome

    var retryAfterRefresh: Bool {
        if case .retry = outcome { return true }
        return false
    }
}

extension KafkaConsumer {
    /// Fetch v11: the version Kafka 2.8's consumer sends (KIP-392 rack id, no flexible encoding).
    static let fetchVersion: Int16 = 11

    /// One Fetch to `leader`, decoded off the actor (so decoding overlaps the caller's work).
    static func fetch(
        from leader: Int32, partitions: [(partition: TopicPartitionKey, offset: Int64, leaderEpoch: Int32)], maxWaitMs: Int32,
        metadata: ClusterMetadataClient, config: ConsumerConfig
    ) async -> [PartitionFetchResult] {
        var topicOrder: [String] = []
        var byTopic: [String: [FetchRequest.FetchPartition]] = [:]
        for entry in partitions {
            if byTopic[entry.partition.topic] == nil { topicOrder.append(entry.partition.topic) }
            byTopic[entry.partition.topic, default: []].append(
                FetchRequest.FetchPartition(
                    partition: entry.partition.partition, currentLeaderEpoch: entry.leaderEpoch, fetchOffset: entry.offset,
                    lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: Int32(clamping: config.maxPartitionFetchBytes)))
        }
        // Session id 0 with epoch -1: a full fetch that opens no fetch session (KIP-227), as a
        // consumer does when it does not want incremental fetches.
        let request = FetchRequest(
            replicaId: -1, maxWaitMs: maxWaitMs, minBytes: Int32(clamping: config.fetchMinBytes),
            maxBytes: Int32(clamping: config.fetchMaxBytes), isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
            topics: topicOrder.map { FetchRequest.FetchTopic(topic: $0, partitions: byTopic[$0]!) })
        let response: FetchResponse
        do {
            // The broker may hold the request for maxWaitMs before answering.
            response = try await metadata.send(
                request, version: fetchVersion, toBroker: leader,
                timeout: .milliseconds(config.requestTimeoutMs) + .milliseconds(Int(maxWaitMs)))
        } catch {
            let clientError = error as? KafkaClientError ?? .protocolError("\(error)")
            if clientError.isRetriableTransportError {
                // Back off before the leader is asked again (`retry.backoff.ms`): a refused
                // connection fails at once and would otherwise be retried in a tight loop.
                try? await Task.sleep(for: metadata.retryBackoff)
                return partitions.map { .init(partition: $0.partition, fetchOffset: $0.offset, outcome: .retry(invalidate: true)) }
            }
            return partitions.map { .init(partition: $0.partition, fetchOffset: $0.offset, outcome: .failed(clientError)) }
        }
        if response.errorCode != 0 {
            let error = KafkaClientError.partitionError(topic: "(fetch)", partition: -1, code: response.errorCode, message: nil)
            return partitions.map { .init(partition: $0.partition, fetchOffset: $0.offset, outcome: .failed(error)) }
        }
        let offsets = Dictionary(partitions.map { ($0.partition, $0.offset) }, uniquingKeysWith: { first, _ in first })
        var results: [PartitionFetchResult] = []
        for topic in response.responses {
            for answer in topic.partitionResponses {
                let key = TopicPartitionKey(topic: topic.topic, partition: answer.partition)
                guard let offset = offsets[key] else { continue }
                let code = KafkaErrorCode(rawValue: answer.errorCode)
                let outcome: PartitionFetchResult.Outcome
                switch code {
                case .none:
                    do {
                        outcome = .records(
                            try FetchedRecordsDecoder.decode(
                                answer.recordSet ?? ByteBuffer(), topic: key.topic, partition: key.partition, fetchOffset: offset,
                                verifyCRC: config.checkCRCs))
                    } catch {
                        outcome = .failed(error)
                    }
                case .offsetOutOfRange:
                    outcome = .offsetOutOfRange
                default:
                    if code.isRetriable {
                        outcome = .retry(invalidate: code.invalidatesMetadata)
                    } else {
                        outcome = .failed(.partitionError(topic: key.topic, partition: key.partition, code: answer.errorCode, message: nil))
                    }
                }
                results.append(PartitionFetchResult(partition: key, fetchOffset: offset, outcome: outcome))
            }
        }
        return results
    }
}
