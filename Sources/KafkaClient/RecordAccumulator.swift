import KafkaProtocol
import NIOCore

/// A topic and partition, as the producer and consumer key their per-partition state.
public struct TopicPartitionKey: Hashable, Sendable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)-\(partition)" }
}

/// What a caller of `send` hears once its record is acknowledged or has failed.
public typealias ProducerCompletion = @Sendable (Result<RecordMetadata, KafkaClientError>) -> Void

/// One partition's batch between `send` and the broker's answer (Kafka's `ProducerBatch`).
struct ProducerBatch: Sendable {
    let key: TopicPartitionKey
    var builder: ProducerBatchBuilder
    let createdAt: ContinuousClock.Instant
    /// Each record's timestamp (for its `RecordMetadata`) and completion, by offset delta.
    var timestamps: [Int64] = []
    var completions: [(delta: Int32, completion: ProducerCompletion)] = []
    /// The encoded batch, built when the batch is first drained and reused by retries.
    var encoded: ByteBuffer?
    var attempts = 0
    var retryAt: ContinuousClock.Instant?
    /// What the batch counts against `buffer.memory`.
    var bufferedBytes = 0

    var recordCount: Int { builder.recordCount }
}

/// The producer's buffer (Kafka's `RecordAccumulator`): one open batch per partition that
/// records are appended to, closed batches waiting for the sender, and the count of Produce
/// requests in flight per broker. Plain state, guarded by the producer's lock; no I/O.
struct RecordAccumulator {
    var open: [TopicPartitionKey: ProducerBatch] = [:]
    /// Closed batches (full, or returned for a retry), oldest first.
    var closed: [ProducerBatch] = []
    var inFlight: [Int32: Int] = [:]
    /// Bytes of records appended and not yet acknowledged or failed (`buffer.memory` accounting).
    var bufferedBytes = 0
    /// Records appended and not yet completed (what `flush` waits for).
    var pendingRecords = 0
    /// While > 0 every open batch is sendable at once, whatever `linger.ms` says (flush, close).
    var flushing = 0

    /// Appends a record to its partition's open batch, closing the batch first when the record
    /// does not fit `batchSize` (a record larger than `batchSize` gets a batch of its own).
    /// Returns whether a batch was closed (the sender should look) and whether a new one was started.
    mutating func append(
        _ record: ProducerRecord, partition: Int32, timestamp: Int64, completion: ProducerCompletion?,
        config: ProducerConfig, now: ContinuousClock.Instant
    ) -> (closedOne: Bool, startedNew: Bool) {
        let key = TopicPartitionKey(topic: record.topic, partition: partition)
        let size = ProducerBatchBuilder.estimatedSize(key: record.key, value: record.value, headers: record.headers)
        var closedOne = false
        var startedNew = false
        var batch: ProducerBatch
        if let existing = open.removeValue(forKey: key) {
            if existing.builder.sizeInBytes + size > config.batchSize && existing.recordCount > 0 {
                closed.append(existing)
                closedOne = true
                batch = newBatch(key, size: size, config: config, now: now)
                startedNew = true
            } else {
                batch = existing
            }
        } else {
            batch = newBatch(key, size: size, config: config, now: now)
            startedNew = true
        }
        let delta = batch.builder.append(key: record.key, value: record.value, headers: record.headers, timestamp: timestamp)
        batch.timestamps.append(timestamp)
        if let completion { batch.completions.append((delta, completion)) }
        batch.bufferedBytes += size
        bufferedBytes += size
        pendingRecords += 1
        if batch.builder.sizeInBytes >= config.batchSize {
            closed.append(batch)
            closedOne = true
        } else {
            open[key] = batch
        }
        return (closedOne, startedNew)
    }

    private func newBatch(_ key: TopicPartitionKey, size: Int, config: ProducerConfig, now: ContinuousClock.Instant) -> ProducerBatch {
        ProducerBatch(
            key: key,
            builder: ProducerBatchBuilder(compression: config.compression, initialCapacity: min(max(config.batchSize, size + 64), 1 << 20)),
            createdAt: now)
    }

    /// Takes what can be sent now (Kafka's `RecordAccumulator.ready` + `drain`): for each broker
    /// with fewer than `maxInFlight` requests out, requests of at most `maxRequestSize` bytes with
    /// one batch per partition, taken from the closed batches (oldest first) and then from the open
    /// batches that have lingered long enough. Batches whose leader `leaderOf` does not know stay,
    /// and their topics are returned for a metadata refresh. `nextWake` is when the next open batch
    /// lingers out or the next retry is due.
    mutating func drain(
        now: ContinuousClock.Instant, config: ProducerConfig, leaderOf: (TopicPartitionKey) -> Int32?
    ) -> (requests: [(broker: Int32, batches: [ProducerBatch])], unknownLeaderTopics: Set<String>, nextWake: ContinuousClock.Instant?) {
        let linger = Duration.milliseconds(config.lingerMs)
        var requests: [(broker: Int32, batches: [ProducerBatch], partitions: Set<TopicPartitionKey>, bytes: Int)] = []
        var unknown: Set<String> = []
        var nextWake: ContinuousClock.Instant?
        func wake(at instant: ContinuousClock.Instant) {
            if nextWake.map({ instant < $0 }) ?? true { nextWake = instant }
        }
        /// Places the batch in a request to its leader; false if the leader has no room.
        func place(_ batch: ProducerBatch) -> Bool {
            guard let leader = leaderOf(batch.key) else {
                unknown.insert(batch.key.topic)
                return false
            }
            let size = batch.encoded?.readableBytes ?? batch.builder.sizeInBytes
            if let index = requests.lastIndex(where: { $0.broker == leader }),
                !requests[index].partitions.contains(batch.key),
                requests[index].bytes + size <= config.maxRequestSize || requests[index].batches.isEmpty
            {
                requests[index].batches.append(batch)
                requests[index].partitions.insert(batch.key)
                requests[index].bytes += size
                return true
            }
            guard inFlight[leader, default: 0] < config.maxInFlightRequestsPerConnection else { return false }
            inFlight[leader, default: 0] += 1
            requests.append((leader, [batch], [batch.key], size))
            return true
        }
        var kept: [ProducerBatch] = []
        for batch in closed {
            if let retryAt = batch.retryAt, retryAt > now {
                wake(at: retryAt)
                kept.append(batch)
            } else if !place(batch) {
                kept.append(batch)
            }
        }
        closed = kept
        for (key, batch) in open {
            let due = batch.createdAt + linger
            guard due <= now || flushing > 0 else {
                wake(at: due)
                continue
            }
            // A partition whose earlier batch still waits keeps the open one, to keep their order.
            if closed.contains(where: { $0.key == key }) { continue }
            if place(batch) { open[key] = nil }
        }
        return (requests.map { ($0.broker, $0.batches) }, unknown, nextWake)
    }

    /// Removes the batches that have waited longer than `deliveryTimeout` without being sent
    /// (Kafka's `RecordAccumulator.expiredBatches`): their leader stayed unknown or busy.
    mutating func expire(now: ContinuousClock.Instant, deliveryTimeout: Duration) -> [ProducerBatch] {
        var expired: [ProducerBatch] = []
        closed.removeAll { batch in
            guard now - batch.createdAt >= deliveryTimeout else { return false }
            expired.append(batch)
            return true
        }
        for (key, batch) in open where now - batch.createdAt >= deliveryTimeout {
            expired.append(batch)
            open[key] = nil
        }
        return expired
    }

    /// Accounts for a batch that has left the producer (acknowledged or failed).
    mutating func finished(_ batch: ProducerBatch) {
        bufferedBytes -= batch.bufferedBytes
        pendingRecords -= batch.recordCount
    }

    /// Whether nothing is buffered, waiting or in flight.
    var isIdle: Bool { pendingRecords == 0 && open.isEmpty && closed.isEmpty }
}
