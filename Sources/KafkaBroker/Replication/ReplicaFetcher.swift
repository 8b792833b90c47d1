import KafkaClient
import KafkaConfig
import KafkaLog
import KafkaModel
import KafkaProtocol
import Logging
import NIOCore
import Synchronization

/// Kafka 2.8 `ReplicaFetcherThread`: fetches every partition this broker follows from one leader
/// with Fetch v12 requests carrying its broker id as `replica_id` and each partition's last fetched
/// leader epoch; appends what comes back to the local logs with the leader's offsets and takes the
/// leader's high watermark, or truncates the diverging tail the leader points out
/// (`diverging_epoch`, KIP-101 truncation on fetch). Every truncation and append goes through the
/// `Partition`, under its lock, fenced by the leader and epoch the fetch was made under. Runs as
/// one task.
final class ReplicaFetcher: Sendable {
    /// The 8-byte fields first: 24 bytes instead of 32 in declaration order, for each of the tens of
    /// thousands of partitions a follower fetches (issue 14).
    struct PartitionFetchState: Sendable, Hashable {
        var fetchOffset: Int64
        /// Kafka's delayed partitions: after an error, wait `replica.fetch.backoff.ms`.
        var delayedUntilMs: Int64 = 0
        var leaderEpoch: Int32
        /// Kafka's `PartitionFetchState.lastFetchedEpoch`: the latest epoch in the local log.
        var lastFetchedEpoch: Int32?
        /// Kafka's Truncating state for a log without epochs: truncate to `fetchOffset` (the high
        /// watermark) before the first fetch.
        var truncatingToHighWatermark: Bool
    }

    let brokerID: BrokerID
    let leader: BrokerID
    let fetcherID: Int
    let endpoint: ReplicaFetcherManager.Endpoint
    let config: BrokerConfig
    let logger: Logger
    private unowned let manager: ReplicaFetcherManager
    private let states = Mutex<[TopicPartition: PartitionFetchState]>([:])
    private let task = Mutex<Task<Void, Never>?>(nil)

    var name: String { "ReplicaFetcherThread-\(fetcherID)-\(leader)" }

    init(
        brokerID: BrokerID, leader: BrokerID, fetcherID: Int, endpoint: ReplicaFetcherManager.Endpoint,
        config: BrokerConfig, manager: ReplicaFetcherManager, logger: Logger
    ) {
        self.brokerID = brokerID
        self.leader = leader
        self.fetcherID = fetcherID
        self.endpoint = endpoint
        self.config = config
        self.manager = manager
        self.logger = logger
    }

    var partitions: Set<TopicPartition> { states.withLock { Set($0.keys) } }
    var isIdle: Bool { states.withLock { $0.isEmpty } }

    func add(_ topicPartition: TopicPartition, offset: Int64, leaderEpoch: Int32, lastFetchedEpoch: Int32?) {
        states.withLock {
            $0[topicPartition] = PartitionFetchState(
                fetchOffset: offset, leaderEpoch: leaderEpoch, lastFetchedEpoch: lastFetchedEpoch,
                truncatingToHighWatermark: lastFetchedEpoch == nil)
        }
    }

    private func fence(_ state: PartitionFetchState) -> FollowerFence {
        FollowerFence(leader: leader, leaderEpoch: state.leaderEpoch)
    }

    /// Moves a partition's fetch state on, unless it was removed or re-added meanwhile.
    private func update(_ topicPartition: TopicPartition, from sent: PartitionFetchState, to position: Partition.FollowerPosition, fetchOffset: Int64? = nil) {
        states.withLock { states in
            guard states[topicPartition] == sent else { return }
            states[topicPartition]?.fetchOffset = fetchOffset ?? position.logEndOffset
            states[topicPartition]?.lastFetchedEpoch = position.latestEpoch
            states[topicPartition]?.truncatingToHighWatermark = false
        }
    }

    /// Kafka's `maybeTruncate` for partitions without epochs: `truncateToHighWatermark`.
    private func truncateToHighWatermark(_ partitions: [TopicPartition: PartitionFetchState]) {
        guard let replicaManager = manager.replicaManager else { return }
        for (topicPartition, sent) in partitions where sent.truncatingToHighWatermark {
            guard let partition = replicaManager.partition(topicPartition) else { continue }
            do {
                let position = try partition.truncateAsFollower(to: sent.fetchOffset, fence: fence(sent))
                update(topicPartition, from: sent, to: position, fetchOffset: sent.fetchOffset)
            } catch {
                logger.warning("[\(name)] Could not truncate \(topicPartition) to its high watermark \(sent.fetchOffset): \(error)")
                delay(topicPartition, sent, now: ReplicaManager.nowMs())
            }
        }
    }

    func remove(_ partitions: Set<TopicPartition>) {
        states.withLock { states in for partition in partitions { states[partition] = nil } }
    }

    func start() {
        task.withLock { $0 = Task.detached { [self] in await run() } }
    }

    func shutdown() { task.withLock { $0?.cancel() } }

    func awaitTermination() async { await task.withLock { $0 }?.value }

    private func run() async {
        var connection: KafkaConnection?
        // KIP-227: after the first full fetch the leader keeps the partition list; later requests
        // name only partitions whose fetch offset or epoch moved (Kafka's follower does the same).
        var session = FetchSessionHandler<FetchRequest.FetchPartition>()
        defer { if let connection { Task { await connection.close() } } }
        while !Task.isCancelled {
            let now = ReplicaManager.nowMs()
            var fetchable = states.withLock { $0.filter { $0.value.delayedUntilMs <= now } }
            if fetchable.contains(where: { $0.value.truncatingToHighWatermark }) {
                truncateToHighWatermark(fetchable)
                fetchable = states.withLock { $0.filter { $0.value.delayedUntilMs <= now && !$0.value.truncatingToHighWatermark } }
            }
            if fetchable.isEmpty {
                try? await Task.sleep(for: .milliseconds(50))
                continue
            }
            do {
                if connection == nil || connection?.isActive == false {
                    connection = try await KafkaConnection.connect(
                        host: endpoint.host, port: endpoint.port, clientID: "broker-\(brokerID)-fetcher-\(fetcherID)",
                        timeout: .milliseconds(Int64(config.controllerSocketTimeoutMs)))
                }
                let (request, sent) = fetchRequest(fetchable, session: &session)
                // Bounded by replica.socket.timeout.ms: a connection the network dropped without a
                // reset (a partitioned leader) fails the fetch, and the next round reconnects.
                let response = try await connection!.send(
                    request, version: 12, timeout: .milliseconds(Int64(config.replicaSocketTimeoutMs)))
                let answered = response.responses.flatMap { topic in
                    topic.partitionResponses.map { TopicPartition(topic: topic.topic, partition: $0.partition) }
                }
                let usable = session.handleResponse(
                    to: sent, errorCode: response.errorCode, responseSessionID: response.sessionId, partitions: answered)
                if response.errorCode != KafkaErrorCode.none.rawValue {
                    let code = KafkaErrorCode(rawValue: response.errorCode)
                    if code == .fetchSessionIDNotFound || code == .invalidFetchSessionEpoch {
                        // The next request is a full one that starts a new session; no back-off.
                        logger.info("[\(name)] Fetch session \(sent.sessionID) with broker \(leader) is gone (\(code.kafkaName)); sending a full fetch")
                        continue
                    }
                    logger.warning("[\(name)] Fetch from broker \(leader) failed with error \(response.errorCode)")
                    try await Task.sleep(for: .milliseconds(config.replicaFetchBackoffMs))
                    continue
                }
                guard usable else { continue }
                await process(response, requested: fetchable, connection: connection!)
            } catch is CancellationError {
                return
            } catch {
                logger.warning("[\(name)] Error in fetch from broker \(leader) at \(endpoint.host):\(endpoint.port): \(error)")
                session.handleError()
                if let old = connection { await old.close() }
                connection = nil
                try? await Task.sleep(for: .milliseconds(config.replicaFetchBackoffMs))
            }
        }
    }

    private func fetchRequest(
        _ partitions: [TopicPartition: PartitionFetchState], session: inout FetchSessionHandler<FetchRequest.FetchPartition>
    ) -> (FetchRequest, FetchSessionHandler<FetchRequest.FetchPartition>.Request) {
        let maxBytes = Int32(config.replicaFetchMaxBytes)
        // Unsorted: only what is sent is sorted (grouped by topic), which after the first full
        // request is a handful of partitions, not the 33,000 a fetcher may follow.
        let next = partitions.map { topicPartition, state in
            (topicPartition, FetchRequest.FetchPartition(
                partition: topicPartition.partition, currentLeaderEpoch: state.leaderEpoch,
                fetchOffset: state.fetchOffset, lastFetchedEpoch: state.lastFetchedEpoch ?? -1, logStartOffset: -1,
                partitionMaxBytes: maxBytes))
        }
        let sent = session.build(next)
        var topics: [FetchRequest.FetchTopic] = []
        for (topicPartition, data) in sent.toSend.sorted(by: { $0.0 < $1.0 }) {
            if let last = topics.indices.last, topics[last].topic == topicPartition.topic {
                topics[last].partitions.append(data)
            } else {
                topics.append(FetchRequest.FetchTopic(topic: topicPartition.topic, partitions: [data]))
            }
        }
        var forgotten: [FetchRequest.ForgottenTopic] = []
        for topicPartition in sent.toForget {
            if let last = forgotten.indices.last, forgotten[last].topic == topicPartition.topic {
                forgotten[last].partitions.append(topicPartition.partition)
            } else {
                forgotten.append(FetchRequest.ForgottenTopic(topic: topicPartition.topic, partitions: [topicPartition.partition]))
            }
        }
        let request = FetchRequest(
            replicaId: brokerID, maxWaitMs: Int32(config.replicaFetchWaitMaxMs), minBytes: Int32(config.replicaFetchMinBytes),
            maxBytes: Int32(config.replicaFetchResponseMaxBytes), isolationLevel: 0, sessionId: sent.sessionID,
            sessionEpoch: sent.epoch, topics: topics, forgottenTopicsData: forgotten)
        return (request, sent)
    }

    private func process(
        _ response: FetchResponse, requested: [TopicPartition: PartitionFetchState], connection: KafkaConnection
    ) async {
        guard let replicaManager = manager.replicaManager else { return }
        let now = ReplicaManager.nowMs()
        for topic in response.responses {
            for data in topic.partitionResponses {
                let topicPartition = TopicPartition(topic: topic.topic, partition: data.partition)
                // Skip partitions removed or re-added (new offset or epoch) while the fetch was out.
                guard let sent = requested[topicPartition], states.withLock({ $0[topicPartition] }) == sent,
                    let partition = replicaManager.partition(topicPartition)
                else { continue }
                let error = KafkaErrorCode(rawValue: data.errorCode)
                switch error {
                case .none where data.divergingEpoch.epoch >= 0 || data.divergingEpoch.endOffset >= 0:
                    truncateOnFetchResponse(
                        topicPartition, sent, partition: partition, leaderEpoch: data.divergingEpoch.epoch,
                        leaderEndOffset: data.divergingEpoch.endOffset)
                case .none:
                    do {
                        let position = try partition.appendRecordsToFollower(
                            data.recordSet ?? ByteBuffer(), leaderHighWatermark: data.highWatermark,
                            leaderLogStartOffset: data.logStartOffset, fence: fence(sent), nowMs: now)
                        update(topicPartition, from: sent, to: position)
                    } catch {
                        logger.error("[\(name)] Could not append to the log of \(topicPartition): \(error)")
                        delay(topicPartition, sent, now: now)
                    }
                case .offsetOutOfRange:
                    await handleOffsetOutOfRange(topicPartition, sent, partition: partition, connection: connection)
                default:
                    // NOT_LEADER_OR_FOLLOWER, FENCED/UNKNOWN_LEADER_EPOCH, UNKNOWN_TOPIC_OR_PARTITION: the
                    // controller's next LeaderAndIsr sorts it out; back off meanwhile.
                    logger.info("[\(name)] Error \(error) for partition \(topicPartition) at offset \(sent.fetchOffset)")
                    delay(topicPartition, sent, now: now)
                }
            }
        }
    }

    /// Kafka's `truncateOnFetchResponse`: the leader answered `diverging_epoch` instead of records;
    /// truncate exactly the diverging tail (`FollowerTruncation`) and fetch again from there with
    /// the new last epoch (an intermediate truncation leads to another `diverging_epoch`).
    private func truncateOnFetchResponse(
        _ topicPartition: TopicPartition, _ sent: PartitionFetchState, partition: Partition, leaderEpoch: Int32,
        leaderEndOffset: Int64
    ) {
        do {
            let (truncation, position) = try partition.truncateToLeaderEpochEnd(
                leaderEpoch: leaderEpoch, leaderEndOffset: leaderEndOffset, fetchOffset: sent.fetchOffset, fence: fence(sent))
            logger.info(
                "[\(name)] Truncated \(topicPartition) to \(truncation.offset) for the leader's epoch \(leaderEpoch) ending at \(leaderEndOffset) (completed: \(truncation.truncationCompleted))")
            update(topicPartition, from: sent, to: position, fetchOffset: truncation.offset)
        } catch {
            logger.warning("[\(name)] Could not truncate \(topicPartition) for the diverging epoch \(leaderEpoch): \(error)")
            delay(topicPartition, sent, now: ReplicaManager.nowMs())
        }
    }

    private func delay(_ topicPartition: TopicPartition, _ sent: PartitionFetchState, now: Int64) {
        states.withLock { states in
            if states[topicPartition] == sent { states[topicPartition]?.delayedUntilMs = now + config.replicaFetchBackoffMs }
        }
    }

    /// Kafka's `handleOutOfRangeOffset`: a leader whose log ends below ours means our tail was never
    /// committed, so truncate to its end; a fetch offset below the leader's log start means we fell
    /// behind retention, so start over at its log start offset.
    private func handleOffsetOutOfRange(
        _ topicPartition: TopicPartition, _ sent: PartitionFetchState, partition: Partition, connection: KafkaConnection
    ) async {
        let now = ReplicaManager.nowMs()
        do {
            let leaderEnd = try await leaderOffset(topicPartition, timestamp: -1, leaderEpoch: sent.leaderEpoch, connection: connection)
            let localEnd = partition.log.logEndOffset
            if leaderEnd < localEnd {
                logger.warning("[\(name)] Truncating \(topicPartition) from \(localEnd) to the leader's log end offset \(leaderEnd)")
                let position = try partition.truncateAsFollower(to: leaderEnd, fence: fence(sent))
                update(topicPartition, from: sent, to: position, fetchOffset: leaderEnd)
            } else {
                let leaderStart = try await leaderOffset(topicPartition, timestamp: -2, leaderEpoch: sent.leaderEpoch, connection: connection)
                if leaderStart > localEnd {
                    logger.warning("[\(name)] Resetting \(topicPartition) to the leader's log start offset \(leaderStart) (local end \(localEnd))")
                    let position = try partition.truncateFullyAndStartAtAsFollower(leaderStart, fence: fence(sent))
                    update(topicPartition, from: sent, to: position, fetchOffset: leaderStart)
                } else {
                    // Kafka: fetch from max(leader start, our end) without truncating.
                    update(topicPartition, from: sent, to: Partition.FollowerPosition(
                        logEndOffset: localEnd, latestEpoch: partition.log.latestEpoch))
                }
            }
        } catch {
            logger.error("[\(name)] Could not resolve the out-of-range offset of \(topicPartition): \(error)")
            delay(topicPartition, sent, now: now)
        }
    }

    private func leaderOffset(
        _ topicPartition: TopicPartition, timestamp: Int64, leaderEpoch: Int32, connection: KafkaConnection
    ) async throws -> Int64 {
        let request = ListOffsetsRequest(
            replicaId: brokerID, isolationLevel: 0,
            topics: [.init(name: topicPartition.topic, partitions: [
                .init(partitionIndex: topicPartition.partition, currentLeaderEpoch: leaderEpoch, timestamp: timestamp)
            ])])
        let response = try await connection.send(
            request, version: 5, timeout: .milliseconds(Int64(config.replicaSocketTimeoutMs)))
        guard let answer = response.topics.first?.partitions.first else {
            throw KafkaClientError.protocolError("ListOffsets answer without partition \(topicPartition)")
        }
        guard answer.errorCode == 0 else {
            throw KafkaClientError.partitionError(
                topic: topicPartition.topic, partition: topicPartition.partition, code: answer.errorCode, message: "ListOffsets")
        }
        return answer.offset
    }
}
