import KafkaProtocol
import NIOCore

/// The producer's sender (Kafka's `Sender` thread): drains the accumulator, writes Produce
/// requests in order on each leader's connection, and settles batches from the responses.
extension KafkaProducer {
    /// Produce v7: the version Kafka 2.8's clients use for magic-2 batches without KIP-467 record errors.
    static let produceVersion: Int16 = 7

    func runSender() async {
        while true {
            let now = ContinuousClock.now
            let cluster = metadata.metadata
            let leaderOf = { (key: TopicPartitionKey) -> Int32? in
                guard let leader = cluster.topics[key.topic]?.partition(key.partition)?.leader, leader >= 0,
                    cluster.brokers[leader] != nil
                else { return nil }
                return leader
            }
            let (work, expired, exit) = state.withLock { state in
                let expired = state.accumulator.expire(now: now, deliveryTimeout: .milliseconds(config.deliveryTimeoutMs))
                let work = state.accumulator.drain(now: now, config: config, leaderOf: leaderOf)
                let exit = state.closed && state.accumulator.isIdle
                return (work, expired, exit)
            }
            for batch in expired {
                settle(
                    batch, broker: nil,
                    .failure(KafkaClientError.requestTimedOut(
                        broker: leaderOf(batch.key).map { "\(cluster.brokers[$0]!) (id \($0))" } ?? "(no leader for \(batch.key))",
                        api: "Produce", timeoutMs: config.deliveryTimeoutMs)))
            }
            if exit { return }
            if !work.unknownLeaderTopics.isEmpty { refreshMetadata(work.unknownLeaderTopics) }
            for request in work.requests {
                await dispatch(broker: request.broker, batches: request.batches)
            }
            if work.requests.isEmpty && expired.isEmpty {
                var deadline = work.nextWake
                if !work.unknownLeaderTopics.isEmpty {
                    let retry = now + .milliseconds(config.retryBackoffMs)
                    deadline = min(deadline ?? retry, retry)
                }
                await waitForWork(until: deadline)
            }
        }
    }

    /// Refreshes metadata for `topics` in the background (one refresh at a time), then wakes the sender.
    private func refreshMetadata(_ topics: Set<String>) {
        let start = state.withLock { state in
            defer { state.refreshingMetadata = true }
            return !state.refreshingMetadata
        }
        guard start else { return }
        Task {
            _ = try? await metadata.refresh(topics: Array(topics))
            state.withLock { $0.refreshingMetadata = false }
            wakeSender()
        }
    }

    /// Encodes the batches and writes one Produce request to `broker`. The write happens before
    /// this returns, so requests leave in the order the sender drains them.
    private func dispatch(broker: Int32, batches: [ProducerBatch]) async {
        var batches = batches
        var byTopic: [String: [ProduceRequest.PartitionProduceData]] = [:]
        var topicOrder: [String] = []
        var sendable: [ProducerBatch] = []
        for index in batches.indices {
            if batches[index].encoded == nil {
                do {
                    batches[index].encoded = try batches[index].builder.build()
                } catch {
                    settle(batches[index], broker: broker, .failure(KafkaClientError.protocolError("Could not encode the batch for \(batches[index].key): \(error)")))
                    continue
                }
            }
            batches[index].attempts += 1
            let batch = batches[index]
            if byTopic[batch.key.topic] == nil { topicOrder.append(batch.key.topic) }
            byTopic[batch.key.topic, default: []].append(.init(index: batch.key.partition, records: batch.encoded))
            sendable.append(batch)
        }
        guard !sendable.isEmpty else {
            requestDone(broker: broker)
            return
        }
        let inFlightBatches = sendable
        let request = ProduceRequest(
            transactionalId: nil, acks: config.acks, timeoutMs: Int32(clamping: config.requestTimeoutMs),
            topicData: topicOrder.map { .init(name: $0, partitionData: byTopic[$0]!) })
        let connection: KafkaConnection
        do {
            connection = try await metadata.connection(toBroker: broker)
        } catch {
            let clientError = error as? KafkaClientError ?? .connectionFailed(broker: "id \(broker)", reason: "\(error)")
            handleResponse(.failure(clientError), broker: broker, batches: inFlightBatches)
            return
        }
        if config.acks == 0 {
            // acks=0: the broker never answers; a record is done once written (offset -1, as in Kafka).
            connection.submitWithoutResponse(request, version: Self.produceVersion) { [self] error in
                if let error {
                    handleResponse(
                        .failure(.connectionFailed(broker: "\(connection.host):\(connection.port)", reason: "\(error)")),
                        broker: broker, batches: inFlightBatches)
                } else {
                    handleResponse(.success(nil), broker: broker, batches: inFlightBatches)
                }
            }
            return
        }
        let timeout = Duration.milliseconds(config.requestTimeoutMs)
        connection.submit(request, version: Self.produceVersion, timeout: timeout) { [self] result in
            switch result {
            case .success(let response):
                handleResponse(.success(response), broker: broker, batches: inFlightBatches)
            case .failure(let error):
                let address = BrokerAddress(host: connection.host, port: connection.port)
                let clientError: KafkaClientError =
                    if case KafkaConnectionError.timedOut = error {
                        .requestTimedOut(broker: "\(address) (id \(broker))", api: "Produce", timeoutMs: config.requestTimeoutMs)
                    } else if error is KafkaProtocolError {
                        .protocolError("Could not decode the Produce response from broker \(address): \(error)")
                    } else {
                        .connectionFailed(broker: "\(address) (id \(broker))", reason: "\(error)")
                    }
                // Kafka's NetworkClient drops a connection whose request timed out or failed.
                Task { await metadata.disconnect(address) }
                handleResponse(.failure(clientError), broker: broker, batches: inFlightBatches)
            }
        }
    }

    /// Settles each batch of a request from its partition's answer: done, retried (after a
    /// metadata refresh when the leader moved) or failed.
    private func handleResponse(
        _ result: Result<ProduceResponse?, KafkaClientError>, broker: Int32, batches: [ProducerBatch]
    ) {
        var answers: [TopicPartitionKey: ProduceResponse.PartitionProduceResponse] = [:]
        if case .success(let response?) = result {
            for topic in response.responses {
                for partition in topic.partitionResponses {
                    answers[TopicPartitionKey(topic: topic.name, partition: partition.index)] = partition
                }
            }
        }
        var retries: [ProducerBatch] = []
        var staleTopics: Set<String> = []
        let now = ContinuousClock.now
        for batch in batches {
            let outcome: Result<(offset: Int64, logAppendTime: Int64), KafkaClientError>
            var retriable = false
            switch result {
            case .failure(let error):
                outcome = .failure(error)
                retriable = error.isRetriableTransportError
                if retriable { staleTopics.insert(batch.key.topic) }
            case .success(nil):
                outcome = .success((-1, -1))
            case .success(.some):
                guard let answer = answers[batch.key] else {
                    outcome = .failure(.protocolError("The Produce response from broker \(broker) has no answer for \(batch.key)"))
                    break
                }
                let code = KafkaErrorCode(rawValue: answer.errorCode)
                if code == .none {
                    outcome = .success((answer.baseOffset, answer.logAppendTimeMs))
                } else {
                    outcome = .failure(
                        .partitionError(topic: batch.key.topic, partition: batch.key.partition, code: answer.errorCode, message: answer.errorMessage))
                    retriable = code.isRetriable
                    if code.invalidatesMetadata { staleTopics.insert(batch.key.topic) }
                }
            }
            let withinLimits =
                batch.attempts <= config.retries && now - batch.createdAt < .milliseconds(config.deliveryTimeoutMs)
            if case .failure = outcome, retriable, withinLimits {
                var retry = batch
                retry.retryAt = now + .milliseconds(config.retryBackoffMs)
                retries.append(retry)
            } else {
                settle(batch, broker: broker, outcome.map { $0 })
            }
        }
        for topic in staleTopics { metadata.invalidate(topic: topic) }
        state.withLock { state in
            // Back to the front, as Kafka's `reenqueue` does, so they go before newer batches.
            state.accumulator.closed.insert(contentsOf: retries, at: 0)
        }
        if !staleTopics.isEmpty { refreshMetadata(staleTopics) }
        requestDone(broker: broker)
    }

    private func requestDone(broker: Int32) {
        state.withLock { $0.accumulator.inFlight[broker, default: 1] -= 1 }
        wakeSender()
    }

    /// Completes every record of a batch that has left the producer, and wakes `flush` and
    /// `send` callers waiting for it.
    func settle(_ batch: ProducerBatch, broker: Int32?, _ outcome: Result<(offset: Int64, logAppendTime: Int64), KafkaClientError>) {
        let (spaceWaiters, flushWaiters) = state.withLock { state in
            state.accumulator.finished(batch)
            if case .failure(let error) = outcome {
                state.failedRecords += batch.recordCount
                if state.firstError == nil { state.firstError = error }
            }
            let space = state.spaceWaiters
            state.spaceWaiters = []
            var flush: [CheckedContinuation<Void, Never>] = []
            if state.accumulator.pendingRecords == 0 {
                flush = state.flushWaiters
                state.flushWaiters = []
            }
            return (space, flush)
        }
        for (delta, completion) in batch.completions {
            completion(
                outcome.map { answer in
                    RecordMetadata(
                        topic: batch.key.topic, partition: batch.key.partition,
                        offset: answer.offset < 0 ? -1 : answer.offset + Int64(delta),
                        timestamp: answer.logAppendTime >= 0 ? answer.logAppendTime : batch.timestamps[Int(delta)])
                })
        }
        for waiter in spaceWaiters { waiter.resume() }
        for waiter in flushWaiters { waiter.resume() }
    }
}

extension KafkaClientError {
    /// Lost connections and timeouts: the batch may not have been written; Kafka retries them.
    var isRetriableTransportError: Bool {
        switch self {
        case .connectionFailed, .requestTimedOut, .brokerUnknown: true
        default: false
        }
    }
}
