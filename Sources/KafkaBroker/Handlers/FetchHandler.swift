import KafkaLog
import KafkaModel
import KafkaNetwork
import KafkaProtocol
import NIOCore

extension BrokerApiTable {
    /// Fetch (key 1), Kafka 2.8 `handleFetchRequest` + `ReplicaManager.fetchMessages`: reads whole
    /// stored batches from each partition's leader (consumers up to the high watermark, followers
    /// up to the log end offset, recording their fetch offset for the ISR and high watermark), and
    /// parks the request until `min_bytes` are there or `max_wait_ms` passed (Kafka's
    /// `DelayedFetch`). Fetch sessions (KIP-227, v7+): epoch 0 creates one when the cache has room,
    /// an incremental request names only changed partitions and is answered with only the
    /// partitions that have records, an error or a moved high watermark or log start offset.
    static func fetch(context: BrokerContext) -> BrokerApi {
        BrokerApi(apiKey: .fetch, versions: 0...12, audience: .clients) { header, buffer, requestContext in
            let request = try FetchRequest(from: &buffer, version: header.apiVersion)
            let replicaManager = context.replicaManager
            let replicaID: BrokerID? = request.replicaId >= 0 ? request.replicaId : nil
            let deadline = ContinuousClock.now + .milliseconds(Int64(max(request.maxWaitMs, 0)))
            let requested = request.topics.flatMap { topic in
                topic.partitions.map { (TopicPartition(topic: topic.topic, partition: $0.partition), $0) }
            }
            let fetchContext: FetchContext
            if header.apiVersion >= 7 {
                let forget = request.forgottenTopicsData.flatMap { topic in
                    topic.partitions.map { TopicPartition(topic: topic.topic, partition: $0) }
                }
                fetchContext = context.fetchSessions.withLock {
                    $0.newContext(
                        sessionID: request.sessionId, epoch: request.sessionEpoch, fetch: requested, forget: forget,
                        isFromFollower: replicaID != nil, nowMs: ReplicaManager.nowMs())
                }
            } else {
                fetchContext = .sessionless(requested)
            }
            func respond(errorCode: KafkaErrorCode = .none, sessionID: Int32, _ answers: [(TopicPartition, FetchResponse.FetchablePartitionResponse)]) -> ResponseAction {
                .send(ResponseFrame.make(
                    FetchResponse(throttleTimeMs: 0, errorCode: errorCode.rawValue, sessionId: sessionID, responses: grouped(answers)),
                    correlationID: header.correlationId, version: header.apiVersion))
            }
            let partitions: [(TopicPartition, FetchRequest.FetchPartition)]
            switch fetchContext {
            case .error(let code): return respond(errorCode: code, sessionID: FetchSessionEpoch.invalidSessionID, [])
            case .sessionless(let list), .full(let list, _), .incremental(_, let list): partitions = list
            }
            // One read of every partition, and the response if the request is done. A function of its own so the
            // answers (one per session partition: about 10 MB for a follower's 66,000) are gone before the request
            // parks; held across the wait, every parked follower fetch kept them (issue 14).
            func attempt() -> ResponseAction? {
                var (answers, bytes, hadError) = read(
                    partitions, request: request, version: header.apiVersion, replicaID: replicaID, context: context)
                let remaining = deadline - ContinuousClock.now
                guard request.maxWaitMs <= 0 || bytes >= Int(request.minBytes) || hadError || partitions.isEmpty || remaining <= .zero
                else { return nil }
                switch fetchContext {
                case .error, .sessionless:
                    return respond(sessionID: FetchSessionEpoch.invalidSessionID, answers)
                case .full(let list, let privileged):
                    let open = requestContext.isConnectionOpen()
                    let id = context.fetchSessions.withLock {
                        $0.maybeCreateSession(
                            privileged: privileged, partitions: list, answersInOrder: answers, nowMs: ReplicaManager.nowMs(),
                            connectionOpen: open, newID: { Int32.random(in: 1...Int32.max) })
                    }
                    return respond(sessionID: id, answers)
                case .incremental(let sessionID, _):
                    answers = context.fetchSessions.withLock { cache in
                        let selected = cache.selectResponse(sessionID: sessionID, answers)
                        cache.recordResponse(sessionID: sessionID, answeredInOrder: selected)
                        return selected
                    }
                    return respond(sessionID: sessionID, answers)
                }
            }
            // Built only when the request parks: most answer at once (6 MB for a follower's 66,000 partitions).
            var keys: Set<TopicPartition>?
            while true {
                let mark = replicaManager.activity.mark()
                if let action = attempt() { return action }
                if keys == nil { keys = Set(partitions.map(\.0)) }
                await replicaManager.activity.wait(for: keys!, after: mark, timeout: deadline - ContinuousClock.now)
            }
        }
    }

    /// Groups per-partition answers by topic, in order (a topic's partitions are contiguous).
    private static func grouped(
        _ answers: [(TopicPartition, FetchResponse.FetchablePartitionResponse)]
    ) -> [FetchResponse.FetchableTopicResponse] {
        var topics: [FetchResponse.FetchableTopicResponse] = []
        for (topicPartition, answer) in answers {
            if let last = topics.indices.last, topics[last].topic == topicPartition.topic {
                topics[last].partitionResponses.append(answer)
            } else {
                topics.append(.init(topic: topicPartition.topic, partitionResponses: [answer]))
            }
        }
        return topics
    }

    private static func read(
        _ partitions: [(TopicPartition, FetchRequest.FetchPartition)], request: FetchRequest, version: Int16,
        replicaID: BrokerID?, context: BrokerContext
    ) -> ([(TopicPartition, FetchResponse.FetchablePartitionResponse)], bytes: Int, hadError: Bool) {
        let replicaManager = context.replicaManager
        let now = ReplicaManager.nowMs()
        // v3+ bounds the whole response; the first partition with data may exceed it by one batch
        // so a consumer can always make progress (KIP-74).
        var budget = version >= 3 ? Int(max(request.maxBytes, 0)) : Int.max
        var total = 0
        var hadError = false
        var answers: [(TopicPartition, FetchResponse.FetchablePartitionResponse)] = []
        answers.reserveCapacity(partitions.count)
        for (topicPartition, fetch) in partitions {
            var answer = FetchResponse.FetchablePartitionResponse(partition: topicPartition.partition)
            func fail(_ code: KafkaErrorCode) {
                answer.errorCode = code.rawValue
                answer.highWatermark = -1
                answer.lastStableOffset = -1
                answer.logStartOffset = -1
                answer.recordSet = ByteBuffer()
                hadError = true
            }
            if let partition = replicaManager.partition(topicPartition) {
                do throws(Partition.ReadError) {
                    let result = try partition.read(
                        fetchOffset: fetch.fetchOffset, maxBytes: min(Int(max(fetch.partitionMaxBytes, 0)), budget),
                        minOneMessage: version < 3 || total == 0, replicaID: replicaID,
                        currentLeaderEpoch: version >= 9 ? fetch.currentLeaderEpoch : -1,
                        lastFetchedEpoch: version >= 12 ? fetch.lastFetchedEpoch : -1, nowMs: now,
                        isrEligible: replicaManager.isReplicaIsrEligible)
                    answer.highWatermark = result.highWatermark
                    answer.lastStableOffset = result.highWatermark
                    answer.logStartOffset = result.logStartOffset
                    answer.recordSet = result.records
                    if let diverging = result.divergingEpoch {
                        // Answered at once, like an error (Kafka's `hasDivergingEpoch`).
                        answer.divergingEpoch = .init(epoch: diverging.epoch, endOffset: diverging.endOffset)
                        hadError = true
                    }
                    total += result.records.readableBytes
                    budget = max(0, budget - result.records.readableBytes)
                    if result.highWatermarkMoved { replicaManager.activity.notify(topicPartition) }
                    if let update = result.isrUpdate {
                        context.logger.info("Expanding ISR of \(topicPartition) from \(partition.replicationState.isr) to \(update.isr)")
                        replicaManager.enqueueIsrExpansion(update, on: partition)
                    }
                } catch {
                    switch error {
                    case .notLeader: fail(.notLeaderOrFollower)
                    case .fencedLeaderEpoch: fail(.fencedLeaderEpoch)
                    case .unknownLeaderEpoch: fail(.unknownLeaderEpoch)
                    case .log(.offsetOutOfRange): fail(.offsetOutOfRange)
                    case .log(let logError):
                        context.logger.error("Read of \(topicPartition) failed: \(logError)")
                        fail(.kafkaStorageError)
                    }
                }
            } else if replicaManager.isOffline(topicPartition) {
                fail(.kafkaStorageError)
            } else {
                fail(context.metadataCache.snapshot.contains(topic: topicPartition.topic) ? .notLeaderOrFollower : .unknownTopicOrPartition)
            }
            answers.append((topicPartition, answer))
        }
        return (answers, total, hadError)
    }
}
