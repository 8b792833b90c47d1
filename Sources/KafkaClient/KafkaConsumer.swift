import KafkaProtocol
import NIOCore

/// A consumer with manual assignment and no group (Kafka's `KafkaConsumer` after `assign`, with
/// byte-array deserializers and nothing committed): positions come from `seek` or ListOffsets v5
/// (per `auto.offset.reset`), records from Fetch v11 sent to each partition's leader.
///
/// Each leader has its own Fetch in flight; `poll` returns once any of them brings records and,
/// before returning, sends the next Fetch to leaders that are idle (Kafka's consumer likewise
/// fetches ahead while the application works). OFFSET_OUT_OF_RANGE resets the position per policy; NOT_LEADER_OR_FOLLOWER,
/// UNKNOWN_TOPIC_OR_PARTITION and lost connections refresh metadata and retry on the next round.
public actor KafkaConsumer {
    public let config: ConsumerConfig
    public let metadata: ClusterMetadataClient
    private let ownsMetadata: Bool

    /// Assigned partitions in assignment order, with the next offset to fetch (nil: to be reset).
    var assignment: [TopicPartitionKey] = []
    var positions: [TopicPartitionKey: Int64] = [:]
    /// The group of `subscribe` (KafkaConsumer+Group.swift); nil with manual assignment.
    var groupMembership: GroupMembership?
    private var pendingResets: [TopicPartitionKey: OffsetSpec] = [:]
    /// Records fetched and not yet returned (at most `maxPollRecords` leave per poll).
    var buffered: [ConsumerRecord] = []
    var bufferedStart = 0
    /// The Fetch in flight to each leader, the partitions they cover, and the answers not yet applied.
    private var inFlight: [Int32: Task<Void, Never>] = [:]
    private var fetching: Set<TopicPartitionKey> = []
    private var completed: [PartitionFetchResult] = []
    /// `poll` waiting for a Fetch to come back or its deadline.
    private var pollWaiter: CheckedContinuation<Void, Never>?

    public init(bootstrapServers: String, config: ConsumerConfig = ConsumerConfig()) throws(KafkaClientError) {
        self.config = config
        metadata = ClusterMetadataClient(
            bootstrap: try BrokerAddress.parseList(bootstrapServers), clientID: config.clientID,
            requestTimeout: .milliseconds(config.requestTimeoutMs))
        ownsMetadata = true
    }

    public init(metadata: ClusterMetadataClient, config: ConsumerConfig = ConsumerConfig()) {
        self.config = config
        self.metadata = metadata
        ownsMetadata = false
    }

    // MARK: Assignment and positions

    /// Replaces the assignment (Kafka's `assign`). Partitions are checked against the metadata:
    /// an unknown topic or partition throws naming it.
    public func assign(_ partitions: [TopicPartitionKey]) async throws {
        for partition in partitions {
            let topic = try await metadata.topic(partition.topic)
            guard topic.partition(partition.partition) != nil else {
                throw KafkaClientError.unknownPartition(
                    topic: partition.topic, partition: partition.partition, partitionCount: topic.partitionCount)
            }
        }
        assignment = partitions
        positions = positions.filter { partitions.contains($0.key) }
        pendingResets = pendingResets.filter { partitions.contains($0.key) }
        discardFetched()
    }

    /// Every partition of `topic` (what the console consumer reads without `--partition`).
    public func partitions(of topic: String) async throws -> [TopicPartitionKey] {
        try await metadata.topic(topic).partitions.map { TopicPartitionKey(topic: topic, partition: $0.partition) }
    }

    public func seek(_ partition: TopicPartitionKey, to offset: Int64) {
        positions[partition] = offset
        pendingResets[partition] = nil
        discardFetched()
    }

    /// The next poll starts at the log start (`seekToBeginning`), the log end (`seekToEnd`) or the
    /// first offset at or after a timestamp, resolved with ListOffsets.
    public func seek(_ partitions: [TopicPartitionKey], to spec: OffsetSpec) {
        for partition in partitions {
            positions[partition] = nil
            pendingResets[partition] = spec
        }
        discardFetched()
    }

    /// The offset the next record of `partition` will have, resolving a pending reset first.
    public func position(_ partition: TopicPartitionKey) async throws -> Int64 {
        try await resolvePositions()
        guard let position = positions[partition] else {
            throw KafkaClientError.invalidConfig("\(partition) is not assigned to this consumer")
        }
        return position
    }

    // MARK: ListOffsets

    /// ListOffsets v5 for each partition, sent to its leader (Kafka's `beginningOffsets`,
    /// `endOffsets` and `offsetsForTimes`). For a timestamp with no record at or after it the
    /// offset is nil. Leader moves are retried after a metadata refresh.
    public func listOffsets(_ partitions: [TopicPartitionKey], spec: OffsetSpec) async throws -> [TopicPartitionKey: (offset: Int64?, timestamp: Int64)] {
        var results: [TopicPartitionKey: (offset: Int64?, timestamp: Int64)] = [:]
        var remaining = partitions
        let deadline = ContinuousClock.now + metadata.metadataWait
        while !remaining.isEmpty {
            var byLeader: [Int32: [TopicPartitionKey]] = [:]
            for partition in remaining {
                let leader = try await metadata.leader(topic: partition.topic, partition: partition.partition)
                byLeader[leader.id, default: []].append(partition)
            }
            var retry: [TopicPartitionKey] = []
            var lastError: KafkaClientError?
            for (leader, partitions) in byLeader {
                let topics = Dictionary(grouping: partitions, by: \.topic).map { topic, partitions in
                    ListOffsetsRequest.ListOffsetsTopic(
                        name: topic,
                        partitions: partitions.map { .init(partitionIndex: $0.partition, timestamp: spec.listOffsetsTimestamp) })
                }
                let response: ListOffsetsResponse
                do {
                    response = try await metadata.send(
                        ListOffsetsRequest(replicaId: -1, isolationLevel: 0, topics: topics), version: 5, toBroker: leader)
                } catch let error as KafkaClientError where error.isRetriableTransportError {
                    retry += partitions
                    lastError = error
                    continue
                }
                for topic in response.topics {
                    for answer in topic.partitions {
                        let key = TopicPartitionKey(topic: topic.name, partition: answer.partitionIndex)
                        let code = KafkaErrorCode(rawValue: answer.errorCode)
                        if code == .none {
                            results[key] = (answer.offset < 0 ? nil : answer.offset, answer.timestamp)
                            continue
                        }
                        let error = KafkaClientError.partitionError(
                            topic: key.topic, partition: key.partition, code: answer.errorCode, message: nil)
                        guard code.isRetriable else { throw error }
                        if code.invalidatesMetadata { metadata.invalidate(topic: key.topic) }
                        retry.append(key)
                        lastError = error
                    }
                }
            }
            remaining = retry
            if !remaining.isEmpty {
                if ContinuousClock.now >= deadline { throw lastError ?? KafkaClientError.leaderNotAvailable(topic: remaining[0].topic, partition: remaining[0].partition) }
                try await Task.sleep(for: metadata.retryBackoff)
                try await metadata.refresh(topics: Array(Set(remaining.map(\.topic))))
            }
        }
        return results
    }

    /// Gives every assigned partition without a position one: its pending seek, else `auto.offset.reset`.
    private func resolvePositions() async throws {
        var bySpec: [OffsetSpec: [TopicPartitionKey]] = [:]
        for partition in assignment where positions[partition] == nil {
            if let spec = pendingResets[partition] {
                bySpec[spec, default: []].append(partition)
                continue
            }
            switch config.autoOffsetReset {
            case .earliest: bySpec[.earliest, default: []].append(partition)
            case .latest: bySpec[.latest, default: []].append(partition)
            case .none:
                throw KafkaClientError.invalidConfig("No position for \(partition) and auto.offset.reset is none")
            }
        }
        for (spec, partitions) in bySpec {
            let offsets = try await listOffsets(partitions, spec: spec)
            for partition in partitions {
                // No record at or after the timestamp: start at the end, as Kafka's console tools do.
                if let offset = offsets[partition]?.offset {
                    positions[partition] = offset
                } else {
                    positions[partition] = try await listOffsets([partition], spec: .latest)[partition]?.offset ?? 0
                }
                pendingResets[partition] = nil
            }
        }
    }

    // MARK: Poll

    /// Returns the next records of the assigned partitions, at most `maxPollRecords`, waiting up
    /// to `timeout` for some to arrive; an empty array if none did.
    ///
    /// Each leader has its own Fetch in flight, and a poll returns as soon as any of them brings
    /// records (as Kafka's `Fetcher` does): waiting for every leader would hold the records of a
    /// busy partition for `fetch.max.wait.ms` behind the leader of an idle one.
    public func poll(timeout: Duration) async throws -> [ConsumerRecord] {
        let deadline = ContinuousClock.now + timeout
        try await maintainGroupMembership()
        while true {
            if groupMembership?.needsJoin == true { try await maintainGroupMembership() }
            if !completed.isEmpty {
                let results = completed
                completed = []
                try apply(results)
                continue
            }
            if bufferedStart < buffered.count {
                await launchFetches()  // fetch ahead while the caller works through these
                return takeBuffered()
            }
            try await resolvePositions()
            await launchFetches()
            if !completed.isEmpty { continue }
            if ContinuousClock.now >= deadline { return [] }
            if inFlight.isEmpty {
                // Every leader is unknown: wait for the refresh launchFetches asked for.
                try await Task.sleep(for: min(metadata.retryBackoff, max(.milliseconds(1), deadline - ContinuousClock.now)))
                continue
            }
            let timer = Task { [weak self] in
                try? await Task.sleep(until: deadline)
                await self?.wakePoll()
            }
            await withCheckedContinuation { pollWaiter = $0 }
            timer.cancel()
        }
    }

    private func wakePoll() {
        pollWaiter?.resume()
        pollWaiter = nil
    }

    /// A leader's Fetch came back: its results wait in `completed` for `poll` to apply.
    private func fetchCompleted(leader: Int32, partitions: [TopicPartitionKey], results: [PartitionFetchResult]) {
        inFlight[leader] = nil
        for partition in partitions { fetching.remove(partition) }
        completed += results
        wakePoll()
    }

    private func takeBuffered() -> [ConsumerRecord] {
        let end = min(buffered.count, bufferedStart + config.maxPollRecords)
        let slice = Array(buffered[bufferedStart..<end])
        bufferedStart = end
        if bufferedStart == buffered.count {
            buffered = []
            bufferedStart = 0
        }
        return slice
    }

    /// Drops records fetched for the old positions (a seek or a new assignment). Fetches in
    /// flight are left to finish; `apply` ignores answers for offsets that are no longer the position.
    private func discardFetched() {
        buffered = []
        bufferedStart = 0
        completed = []
    }

    /// Sends a Fetch to every leader that has none in flight, for its partitions with a position
    /// that are not already being fetched, unless enough records are buffered. Leaderless
    /// partitions wait for a metadata refresh.
    private func launchFetches() async {
        guard buffered.count - bufferedStart < 2 * config.maxPollRecords else { return }
        let cluster = metadata.metadata
        var byLeader: [Int32: [(partition: TopicPartitionKey, offset: Int64, leaderEpoch: Int32)]] = [:]
        var stale: Set<String> = []
        for partition in assignment where !fetching.contains(partition) {
            guard let offset = positions[partition] else { continue }
            guard let info = cluster.topics[partition.topic]?.partition(partition.partition), info.leader >= 0,
                cluster.brokers[info.leader] != nil
            else {
                stale.insert(partition.topic)
                continue
            }
            guard inFlight[info.leader] == nil else { continue }
            byLeader[info.leader, default: []].append((partition, offset, info.leaderEpoch))
        }
        let (metadata, config) = (self.metadata, self.config)
        for (leader, entries) in byLeader {
            let keys = entries.map(\.partition)
            for key in keys { fetching.insert(key) }
            let maxWaitMs = Int32(clamping: config.fetchMaxWaitMs)
            inFlight[leader] = Task.detached { [weak self] in
                let results = await Self.fetch(from: leader, partitions: entries, maxWaitMs: maxWaitMs, metadata: metadata, config: config)
                await self?.fetchCompleted(leader: leader, partitions: keys, results: results)
            }
        }
        if !stale.isEmpty {
            _ = try? await metadata.refresh(topics: Array(stale))
        }
    }

    /// Folds a round's results in: records to the buffer and positions forward; an out-of-range
    /// offset reset per policy; stale leaders forgotten so the next round asks again.
    private func apply(_ results: [PartitionFetchResult]) throws {
        for result in results {
            guard positions[result.partition] == result.fetchOffset else { continue }
            switch result.outcome {
            case .records(let decoded):
                buffered.append(contentsOf: decoded.records)
                positions[result.partition] = decoded.nextOffset
            case .offsetOutOfRange:
                switch config.autoOffsetReset {
                case .none:
                    throw KafkaClientError.offsetOutOfRange(
                        topic: result.partition.topic, partition: result.partition.partition, offset: result.fetchOffset)
                case .earliest: seek([result.partition], to: .earliest)
                case .latest: seek([result.partition], to: .latest)
                }
            case .retry(let invalidate):
                if invalidate { metadata.invalidate(topic: result.partition.topic) }
            case .failed(let error):
                throw error
            }
        }
    }

    /// Closes the metadata client if the consumer opened it.
    public func close() async {
        await leaveGroup()
        discardFetched()
        for task in inFlight.values { task.cancel() }
        if ownsMetadata { await metadata.close() }
    }
}
