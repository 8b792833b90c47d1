import KafkaLog
import KafkaModel
import KafkaNetwork
import KafkaProtocol
import NIOCore

extension BrokerApiTable {
    /// Produce (key 0), Kafka 2.8 `handleProduceRequest` + `ReplicaManager.appendRecords`: each
    /// partition's batch is validated (CRC, magic, codec, then `LogValidator`'s record checks), appended by its leader with offsets
    /// assigned there, and answered at once for acks=1, never for acks=0, and for acks=all once
    /// the high watermark passed the batch with at least `min.insync.replicas` in the ISR (Kafka's
    /// `DelayedProduce`), or with REQUEST_TIMED_OUT after `timeout_ms`.
    static func produce(context: BrokerContext) -> BrokerApi {
        BrokerApi(apiKey: .produce, versions: 0...9, audience: .clients) { header, buffer, _ in
            let request = try ProduceRequest(from: &buffer, version: header.apiVersion)
            let version = header.apiVersion
            let replicaManager = context.replicaManager
            var results: [TopicPartition: ProduceResponse.PartitionProduceResponse] = [:]
            var order: [TopicPartition] = []
            // For acks=all: the offset the high watermark must pass, under the epoch appended at.
            var awaiting: [TopicPartition: (requiredOffset: Int64, leaderEpoch: Int32)] = [:]
            let now = ReplicaManager.nowMs()
            let validAcks = [-1, 0, 1].contains(request.acks)

            for topic in request.topicData {
                for data in topic.partitionData {
                    let topicPartition = TopicPartition(topic: topic.name, partition: data.index)
                    order.append(topicPartition)
                    func fail(_ code: KafkaErrorCode, _ message: String? = nil) {
                        results[topicPartition] = .init(index: data.index, errorCode: code.rawValue, baseOffset: -1, errorMessage: message)
                    }
                    guard validAcks else { fail(.invalidRequiredAcks); continue }
                    guard let partition = replicaManager.partition(topicPartition) else {
                        if replicaManager.isOffline(topicPartition) {
                            // Kafka's getPartitionOrError: HostedPartition.Offline → KAFKA_STORAGE_ERROR.
                            fail(.kafkaStorageError, "the log dir of \(topicPartition) on broker \(context.brokerID) is offline")
                            continue
                        }
                        fail(context.metadataCache.snapshot.contains(topic: topic.name) ? .notLeaderOrFollower : .unknownTopicOrPartition)
                        continue
                    }
                    let batches: [RecordBatchView]
                    // Kafka's LogValidator: every record parsed (whatever the codec), counts, keys, timestamps.
                    let policy = replicaManager.validationPolicies.policy(for: topic.name)
                    switch ProduceRecordsValidator.validate(records: data.records, produceVersion: version, policy: policy, nowMs: now) {
                    case .rejected(let code, let error):
                        context.logger.info("Rejected produce to \(topicPartition): \(error)")
                        fail(code, "\(error)")
                        continue
                    case .batches(let validated):
                        batches = validated
                    }
                    if let large = batches.first(where: { $0.header.totalSize > context.config.messageMaxBytes }) {
                        fail(.messageTooLarge, "batch of \(large.header.totalSize) bytes exceeds message.max.bytes \(context.config.messageMaxBytes)")
                        continue
                    }
                    do throws(Partition.AppendError) {
                        let (info, _) = try partition.appendRecordsToLeader(batches, requiredAcks: request.acks, nowMs: now)
                        results[topicPartition] = .init(
                            index: data.index, errorCode: 0, baseOffset: info.firstOffset,
                            logAppendTimeMs: policy.timestampType == .logAppendTime ? now : -1,
                            logStartOffset: partition.log.logStartOffset)
                        // Wakes parked follower fetches (new data) and consumers (a lone-ISR leader's HW moved).
                        replicaManager.activity.notify(topicPartition)
                        if request.acks == -1 { awaiting[topicPartition] = (info.lastOffset + 1, partition.leaderEpoch) }
                    } catch {
                        switch error {
                        case .notLeader: fail(.notLeaderOrFollower)
                        case .notEnoughReplicas(let isr, let required):
                            fail(.notEnoughReplicas, "ISR has \(isr) replicas, min.insync.replicas is \(required)")
                        case .log(let logError):
                            context.logger.error("Append to \(topicPartition) failed: \(logError)")
                            if logError.isStorageFailure { fail(.kafkaStorageError, "\(logError)") } else { fail(.corruptMessage, "\(logError)") }
                        }
                    }
                }
            }

            if request.acks == 0 { return .noResponse }
            if !awaiting.isEmpty {
                await waitForAcknowledgement(&awaiting, results: &results, replicaManager: replicaManager, timeoutMs: request.timeoutMs)
            }
            let byTopic = Dictionary(grouping: order, by: \.topic)
            var seen: Set<String> = []
            let topics = order.compactMap { topicPartition -> ProduceResponse.TopicProduceResponse? in
                guard seen.insert(topicPartition.topic).inserted else { return nil }
                return .init(name: topicPartition.topic, partitionResponses: byTopic[topicPartition.topic]!.map { results[$0]! })
            }
            return .send(ResponseFrame.make(
                ProduceResponse(responses: topics, throttleTimeMs: 0), correlationID: header.correlationId, version: version))
        }
    }

    /// Kafka's `DelayedProduce`: waits until every awaited partition is acknowledged by the ISR or
    /// failed, or the timeout passes.
    private static func waitForAcknowledgement(
        _ awaiting: inout [TopicPartition: (requiredOffset: Int64, leaderEpoch: Int32)],
        results: inout [TopicPartition: ProduceResponse.PartitionProduceResponse],
        replicaManager: ReplicaManager, timeoutMs: Int32
    ) async {
        let deadline = ContinuousClock.now + .milliseconds(Int64(max(timeoutMs, 0)))
        while !awaiting.isEmpty {
            let mark = replicaManager.activity.mark()
            for (topicPartition, target) in awaiting {
                let state = replicaManager.partition(topicPartition)?
                    .acknowledgementState(requiredOffset: target.requiredOffset, leaderEpoch: target.leaderEpoch) ?? .notLeader
                let code: KafkaErrorCode
                switch state {
                case .pending: continue
                case .acknowledged: code = .none
                case .notLeader: code = .notLeaderOrFollower
                case .notEnoughReplicasAfterAppend: code = .notEnoughReplicasAfterAppend
                }
                results[topicPartition]?.errorCode = code.rawValue
                awaiting[topicPartition] = nil
            }
            let remaining = deadline - ContinuousClock.now
            guard !awaiting.isEmpty else { return }
            guard remaining > .zero else { break }
            await replicaManager.activity.wait(for: Set(awaiting.keys), after: mark, timeout: remaining)
        }
        for topicPartition in awaiting.keys { results[topicPartition]?.errorCode = KafkaErrorCode.requestTimedOut.rawValue }
    }
}
