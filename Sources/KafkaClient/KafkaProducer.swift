import KafkaProtocol
import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A producer of magic-2 record batches over Produce v7 (Kafka's `KafkaProducer` with byte-array
/// serializers, not idempotent, not transactional).
///
/// `send` partitions the record (Kafka 2.8's `DefaultPartitioner`), appends it to its partition's
/// open batch and returns at once; a sender task drains batches that are full (`batch.size`), have
/// lingered (`linger.ms`) or are flushed, one batch per partition per request, up to
/// `max.in.flight.requests.per.connection` requests per leader, and completes each record with its
/// (partition, offset) or its error. Retriable errors (NOT_LEADER_OR_FOLLOWER, timeouts, lost
/// connections, NOT_ENOUGH_REPLICAS, ...) refresh metadata and retry, within `retries` and
/// `delivery.timeout.ms`.
public final class KafkaProducer: Sendable {
    public let config: ProducerConfig
    public let metadata: ClusterMetadataClient
    let ownsMetadata: Bool
    let partitioner = DefaultPartitioner()

    struct State {
        var accumulator = RecordAccumulator()
        var senderWaiter: CheckedContinuation<Void, Never>?
        var senderSignalled = false
        var senderTimer: Scheduled<Void>?
        var spaceWaiters: [CheckedContinuation<Void, Never>] = []
        var flushWaiters: [CheckedContinuation<Void, Never>] = []
        var refreshingMetadata = false
        var closed = false
        var failedRecords = 0
        var firstError: KafkaClientError?
    }

    let state = Mutex(State())
    private let sender = Mutex<Task<Void, Never>?>(nil)

    /// A producer with its own metadata client for `bootstrapServers` (`host:port[,host:port]`).
    public convenience init(bootstrapServers: String, config: ProducerConfig = ProducerConfig()) throws(KafkaClientError) {
        let metadata = ClusterMetadataClient(
            bootstrap: try BrokerAddress.parseList(bootstrapServers), clientID: config.clientID,
            requestTimeout: .milliseconds(config.requestTimeoutMs), metadataWait: .milliseconds(config.maxBlockMs),
            allowAutoTopicCreation: true)
        self.init(metadata: metadata, config: config, ownsMetadata: true)
    }

    /// A producer sharing `metadata` (which `close` leaves open).
    public convenience init(metadata: ClusterMetadataClient, config: ProducerConfig = ProducerConfig()) {
        self.init(metadata: metadata, config: config, ownsMetadata: false)
    }

    private init(metadata: ClusterMetadataClient, config: ProducerConfig, ownsMetadata: Bool) {
        self.config = config
        self.metadata = metadata
        self.ownsMetadata = ownsMetadata
        sender.withLock { $0 = Task { [self] in await runSender() } }
    }

    /// Records that failed so far, and the first error (for callers that send without completions).
    public var failedRecordCount: Int { state.withLock { $0.failedRecords } }
    public var firstError: KafkaClientError? { state.withLock { $0.firstError } }

    /// Buffers `record` for sending; `completion` is called (on a network thread) with where it was
    /// written or why it failed. Suspends only to learn an unknown topic's partitions or while
    /// `buffer.memory` is full. Throws at once for an unknown topic or partition, or a record
    /// larger than `max.request.size`.
    public func send(_ record: ProducerRecord, completion: ProducerCompletion? = nil) async throws(KafkaClientError) {
        let topic: TopicMetadata
        do {
            topic = try await metadata.topic(record.topic)
        } catch let error as KafkaClientError {
            throw error
        } catch {
            throw KafkaClientError.protocolError("\(error)")
        }
        let partition: Int32
        if let requested = record.partition {
            guard requested >= 0, Int(requested) < topic.partitionCount else {
                throw KafkaClientError.unknownPartition(topic: record.topic, partition: requested, partitionCount: topic.partitionCount)
            }
            partition = requested
        } else {
            partition = partitioner.partition(
                topic: record.topic, key: record.key, partitionCount: topic.partitionCount,
                availablePartitions: topic.availablePartitions)
        }
        let size = ProducerBatchBuilder.estimatedSize(key: record.key, value: record.value, headers: record.headers)
        guard size + RecordBatchHeader.size <= config.maxRequestSize else {
            throw KafkaClientError.recordTooLarge(size: size, limit: config.maxRequestSize)
        }
        let timestamp = record.timestamp ?? Self.nowMs()
        let now = ContinuousClock.now
        while true {
            let (appended, closedOne, startedNew, closedFlag) = state.withLock { state -> (Bool, Bool, Bool, Bool) in
                if state.closed { return (false, false, false, true) }
                if state.accumulator.bufferedBytes > 0 && state.accumulator.bufferedBytes + size > config.bufferMemory {
                    return (false, false, false, false)
                }
                let result = state.accumulator.append(
                    record, partition: partition, timestamp: timestamp, completion: completion, config: config, now: now)
                return (true, result.closedOne, result.startedNew, false)
            }
            if closedFlag { throw KafkaClientError.closed }
            if appended {
                if closedOne && record.key == nil && record.partition == nil {
                    partitioner.onNewBatch(
                        topic: record.topic, previous: partition, partitionCount: topic.partitionCount,
                        availablePartitions: topic.availablePartitions)
                }
                // The sender only needs telling about a new batch (sendable now with linger.ms=0, or
                // setting its next wake-up) or a closed one; appends to a known batch it drains anyway
                // once a response frees a slot, so most records cost it nothing.
                if closedOne || startedNew { wakeSender() }
                return
            }
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    guard state.accumulator.bufferedBytes > 0 && !state.closed else { return true }
                    state.spaceWaiters.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    /// Sends `record` and waits for its acknowledgement (Kafka's `send(record).get()`).
    public func sendAndWait(_ record: ProducerRecord) async throws(KafkaClientError) -> RecordMetadata {
        let (results, continuation) = AsyncStream.makeStream(of: Result<RecordMetadata, KafkaClientError>.self)
        try await send(record) { result in
            continuation.yield(result)
            continuation.finish()
        }
        for await result in results { return try result.get() }
        throw KafkaClientError.closed
    }

    /// Sends every buffered record now, whatever `linger.ms` says, and waits until each is
    /// acknowledged or has failed (Kafka's `flush`).
    public func flush() async {
        state.withLock { $0.accumulator.flushing += 1 }
        wakeSender()
        await withCheckedContinuation { continuation in
            let done = state.withLock { state in
                guard state.accumulator.pendingRecords > 0 else { return true }
                state.flushWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
        state.withLock { $0.accumulator.flushing -= 1 }
    }

    /// Flushes, stops the sender and (if the producer opened it) closes the metadata client.
    public func close() async {
        await flush()
        state.withLock { $0.closed = true }
        wakeSender()
        let task = sender.withLock { $0 }
        await task?.value
        let waiters = state.withLock { state in
            defer { state.spaceWaiters = [] }
            return state.spaceWaiters
        }
        for waiter in waiters { waiter.resume() }
        if ownsMetadata { await metadata.close() }
    }

    /// Wakes the sender, or makes its next wait return at once.
    func wakeSender() {
        let waiter = state.withLock { state in
            guard let waiter = state.senderWaiter else {
                state.senderSignalled = true
                return nil as CheckedContinuation<Void, Never>?
            }
            state.senderWaiter = nil
            state.senderTimer?.cancel()
            state.senderTimer = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Waits for ``wakeSender()`` or until `deadline`.
    func waitForWork(until deadline: ContinuousClock.Instant?) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state in
                if state.senderSignalled {
                    state.senderSignalled = false
                    return true
                }
                state.senderWaiter = continuation
                if let deadline {
                    let delay = max(.zero, deadline - ContinuousClock.now)
                    let nanoseconds = delay.components.seconds * 1_000_000_000 + delay.components.attoseconds / 1_000_000_000
                    state.senderTimer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: .nanoseconds(nanoseconds)) {
                        [self] in wakeSender()
                    }
                }
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    static func nowMs() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
