import KafkaBroker
import KafkaModel
import KafkaProtocol
import Logging
import Synchronization

/// ``PartitionStateWriter`` that sends the leaders' ISR changes to the active controller instead of writing the
/// partition state znode: Kafka 2.8's `DefaultAlterIsrManager` (ZooKeeper mode with
/// `inter.broker.protocol.version` ≥ 2.7, AlterIsr) and Kafka 3.3's `AlterPartitionManager` (KRaft,
/// AlterPartition). The version the controller answers (the znode's zkVersion, or the partition epoch) is what the
/// leader sends next time; the controller refuses a stale one (INVALID_UPDATE_VERSION) and brings the current
/// state itself (LeaderAndIsr, or the metadata log). No ISR-change notification is written: the controller
/// sends UpdateMetadata (ZooKeeper mode) or the PartitionChangeRecord reaches every broker (KRaft).
///
/// Changes are batched as Kafka does (``IsrChangeQueue``): one request carries every pending change, one
/// request is in flight at a time, and changes stay queued through NOT_CONTROLLER, lost connections and
/// timeouts until the controller answers for them (Kafka's channel retries without a time limit). The
/// manager has its own channel to the controller, as Kafka's has its own `BrokerToControllerChannelManager`
/// (`alterIsrChannel`), so a slow batch never times out another channel's connection or the reverse.
final class IsrChangeManager: PartitionStateWriter, Sendable {
    private typealias Queue = IsrChangeQueue<UInt64>

    private struct State: Sendable {
        var queue = Queue()
        /// Submitters waiting for their change's outcome: the new version, or nil when not applied.
        var waiting: [UInt64: IsrChangeWaiter] = [:]
        var nextToken: UInt64 = 0
        var stopped = false
    }

    private let transport: any IsrChangeTransport
    private let logger: Logger
    private let retryBackoffMs: Int64
    private let state = Mutex(State())
    private let wakeUpStream: AsyncStream<Void>
    private let wakeUps: AsyncStream<Void>.Continuation
    private let loop = Mutex<Task<Void, Never>?>(nil)
    /// Requests in a row that got no answer; the log notes the first and every hundredth (retries come every
    /// `retry.backoff.ms` while no controller is known, e.g. during a controller failover).
    private let failuresInARow = Mutex(0)

    init(transport: any IsrChangeTransport, retryBackoffMs: Int64, logger: Logger) {
        self.transport = transport
        self.logger = logger
        self.retryBackoffMs = max(retryBackoffMs, 50)
        (wakeUpStream, wakeUps) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func start() {
        let task = Task.detached { [self] in await run() }
        loop.withLock { $0 = task }
    }

    func writeLeaderAndIsr(_ update: Partition.IsrUpdate) async throws -> Int32? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int32?, Never>) in
            let immediate: Queue.Outcome? = state.withLock { state in
                guard !state.stopped else { return .refused(.operationNotAttempted) }
                let token = state.nextToken
                state.nextToken += 1
                if let answer = state.queue.submit(update, token: token) { return answer }
                state.waiting[token] = .one(continuation)
                return nil
            }
            if let immediate {
                continuation.resume(returning: Self.version(immediate))
            } else {
                wakeUps.yield()
            }
        }
    }

    /// Queues every change under one lock, so they all go in the next request, and calls `eachAnswered` from the
    /// sending loop as the controller answers each.
    func writeLeaderAndIsr(
        _ updates: [Partition.IsrUpdate], eachAnswered: @escaping @Sendable (Int, Result<Int32?, any Error>) -> Void
    ) async {
        guard !updates.isEmpty else { return }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let group = IsrChangeGroup(count: updates.count, eachAnswered: eachAnswered, done: done)
            let immediate: [(Int, Queue.Outcome)] = state.withLock { state in
                guard !state.stopped else { return updates.indices.map { ($0, .refused(.operationNotAttempted)) } }
                var immediate: [(Int, Queue.Outcome)] = []
                for (index, update) in updates.enumerated() {
                    let token = state.nextToken
                    state.nextToken += 1
                    if let answer = state.queue.submit(update, token: token) {
                        immediate.append((index, answer))
                    } else {
                        state.waiting[token] = .member(group, index)
                    }
                }
                return immediate
            }
            let queued = immediate.count < updates.count
            for (index, outcome) in immediate { group.answer(index, Self.version(outcome)) }
            if queued { wakeUps.yield() }
        }
    }

    /// Concurrent submits go to the controller together.
    var batchesIsrUpdates: Bool { true }

    /// The controller propagates the changes it writes (Kafka 2.8's `AlterIsrManager` writes no
    /// `/isr_change_notification`); nothing to notify.
    func notifyIsrChanges(_ partitions: [TopicPartition]) async throws {}

    func notifyLogDirFailure(brokerID: BrokerID) async throws {
        try await transport.notifyLogDirFailure(brokerID: brokerID)
    }

    /// Stops sending; every waiting change is answered as not applied.
    func shutdown() async {
        let waiting = state.withLock { state in
            state.stopped = true
            _ = state.queue.drain()
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
        for waiter in waiting { waiter.resume(nil) }
        wakeUps.finish()
        loop.withLock { $0?.cancel() }
        await transport.close()
    }

    /// Counts a failed request; whether to log it.
    private func failed() -> Bool {
        failuresInARow.withLock { count in
            count += 1
            return count == 1 || count % 100 == 0
        }
    }

    private static func version(_ outcome: Queue.Outcome) -> Int32? {
        if case .accepted(let version) = outcome { return version }
        return nil
    }

    /// Kafka's `maybePropagateIsrChanges` loop: whenever changes are pending and no request is in flight,
    /// send them all; after a failure, wait `retry.backoff.ms` and send again.
    private func run() async {
        for await _ in wakeUpStream {
            while !Task.isCancelled {
                guard let batch = state.withLock({ $0.queue.nextBatch() }) else { break }
                // Back off after a failure, or when the controller answered some changes with an error Kafka
                // retries (they went straight back into the queue).
                guard let retried = await send(batch), retried == 0 else {
                    try? await Task.sleep(for: .milliseconds(retryBackoffMs))
                    continue
                }
            }
        }
    }

    /// Sends one batch; returns how many of its changes stay queued for a retry, or nil when the controller
    /// did not answer the request.
    private func send(_ batch: [Partition.IsrUpdate]) async -> Int? {
        let api = transport.apiName
        let count = batch.count
        let answer: IsrChangeTransportAnswer
        do {
            answer = try await transport.send(batch)
        } catch {
            if failed() { logger.info("\(api) of \(count) partitions got no answer (\(error)); retrying") }
            state.withLock { $0.queue.requestFailed() }
            return nil
        }
        guard answer.error == .none else {
            if answer.error == .notController { await transport.notController() }
            if failed() {
                logger.info("\(api) of \(count) partitions to controller \(answer.controller) failed with error \(answer.error.rawValue); retrying")
            }
            state.withLock { $0.queue.requestFailed() }
            return nil
        }
        failuresInARow.withLock { $0 = 0 }
        let (answered, resumed) = state.withLock { state in
            let completed = state.queue.answered(answer.partitions)
            return (completed.count, completed.compactMap { token, outcome in
                state.waiting.removeValue(forKey: token).map { ($0, outcome) }
            })
        }
        var refused = 0
        for (waiter, outcome) in resumed {
            if case .refused = outcome { refused += 1 }
            waiter.resume(Self.version(outcome))
        }
        // One line per request, not per partition (Kafka logs each at debug): ISR changes are rare in a steady
        // cluster, and the count per request shows the batching when many come at once.
        logger.info("\(api) with \(count) ISR changes answered by controller \(answer.controller): \(answered - refused) applied, \(refused) refused (the controller brings their current state), \(count - answered) to retry")
        return count - answered
    }
}

/// What a controller answered to one batch.
struct IsrChangeTransportAnswer: Sendable {
    var controller: Int32
    /// The top-level error code.
    var error: KafkaErrorCode
    var partitions: [IsrChangeAnswer]
}

/// How an ``IsrChangeManager`` reaches the controller: the API and channel of its mode.
protocol IsrChangeTransport: Sendable {
    /// The API's name, for the log.
    var apiName: String { get }
    /// Sends `batch`; throws when the controller does not answer.
    func send(_ batch: [Partition.IsrUpdate]) async throws -> IsrChangeTransportAnswer
    /// The controller answered NOT_CONTROLLER: look elsewhere next time.
    func notController() async
    /// Tells the controller a log directory failed (ZooKeeper mode: a znode; KRaft: the heartbeat does).
    func notifyLogDirFailure(brokerID: BrokerID) async throws
    func close() async
}

extension IsrChangeTransport {
    func notifyLogDirFailure(brokerID: BrokerID) async throws {}
}
