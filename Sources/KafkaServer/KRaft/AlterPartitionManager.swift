import KafkaBroker
import KafkaModel
import KafkaProtocol
import KafkaRaftProtocol
import Logging
import Synchronization

/// ``PartitionStateWriter`` for a KRaft broker (Kafka 3.3's `AlterPartitionManager`): the leaders' ISR changes
/// go to the active controller as AlterPartition (API 56) instead of a conditional write of the partition
/// state znode. The partition epoch stands where ZooKeeper mode has the znode version: the controller refuses
/// a stale one (INVALID_UPDATE_VERSION), and the metadata log then brings the current state. No ISR-change
/// notification exists: the controller's PartitionChangeRecord reaches every broker through the log.
///
/// Changes are batched as Kafka does (``AlterPartitionQueue``): one request carries every pending change, one
/// request is in flight at a time, and changes stay queued through NOT_CONTROLLER, lost connections and
/// timeouts until the controller answers for them (Kafka's channel retries without a time limit). The
/// manager has its own channel to the controller, as Kafka's has its own `BrokerToControllerChannelManager`,
/// so a slow AlterPartition never times out the heartbeats' connection or the reverse.
final class AlterPartitionManager: PartitionStateWriter, Sendable {
    private typealias Queue = AlterPartitionQueue<UInt64>

    private struct State: Sendable {
        var queue = Queue()
        /// Submitters waiting for their change's outcome: the new partition epoch, or nil when not applied.
        var waiting: [UInt64: CheckedContinuation<Int32?, Never>] = [:]
        var nextToken: UInt64 = 0
        var stopped = false
    }

    private let brokerID: BrokerID
    private let channel: ControllerChannel
    private let view: KRaftMetadataView
    private let logger: Logger
    private let retryBackoffMs: Int64
    private let state = Mutex(State())
    private let wakeUpStream: AsyncStream<Void>
    private let wakeUps: AsyncStream<Void>.Continuation
    private let loop = Mutex<Task<Void, Never>?>(nil)
    /// Kafka's broker-to-controller channels time requests out after `controller.socket.timeout.ms` (30 s),
    /// not the quorum's 2 s: a batch of a thousand changes is a thousand records to commit.
    static let requestTimeout = Duration.seconds(30)

    init(brokerID: BrokerID, channel: ControllerChannel, view: KRaftMetadataView, retryBackoffMs: Int64, logger: Logger) {
        self.brokerID = brokerID
        self.channel = channel
        self.view = view
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
                state.waiting[token] = continuation
                return nil
            }
            if let immediate {
                continuation.resume(returning: Self.partitionEpoch(immediate))
            } else {
                wakeUps.yield()
            }
        }
    }

    /// The metadata log carries ISR changes to every broker; nothing to notify.
    func notifyIsrChanges(_ partitions: [TopicPartition]) async throws {}

    /// Stops sending; every waiting change is answered as not applied.
    func shutdown() async {
        let waiting = state.withLock { state in
            state.stopped = true
            _ = state.queue.drain()
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
        for continuation in waiting { continuation.resume(returning: nil) }
        wakeUps.finish()
        loop.withLock { $0?.cancel() }
        await channel.close()
    }

    private static func partitionEpoch(_ outcome: Queue.Outcome) -> Int32? {
        if case .accepted(let epoch) = outcome { return epoch }
        return nil
    }

    /// Kafka's `maybePropagateIsrChanges` loop: whenever changes are pending and no request is in flight,
    /// send them all; after a failure, wait `retry.backoff.ms` and send again.
    private func run() async {
        for await _ in wakeUpStream {
            while !Task.isCancelled {
                let epoch = view.brokerEpoch
                let topicIDs = view.image.state.topicIDsByName
                guard let request = state.withLock({ $0.queue.nextRequest(brokerID: brokerID, brokerEpoch: epoch, topicIDs: topicIDs) })
                else { break }
                // Back off after a failure, or when the controller answered some changes with an error Kafka
                // retries (they went straight back into the queue).
                guard let retried = await send(request), retried == 0 else {
                    try? await Task.sleep(for: .milliseconds(retryBackoffMs))
                    continue
                }
            }
        }
    }

    /// Sends one batch; returns how many of its changes stay queued for a retry, or nil when the controller
    /// did not answer the request.
    private func send(_ request: AlterPartitionRequest) async -> Int? {
        let count = request.topics.reduce(0) { $0 + $1.partitions.count }
        let response: AlterPartitionResponse
        let controller: Int32
        do {
            (controller, response) = try await channel.send(request, version: 1, timeout: Self.requestTimeout)
        } catch {
            logger.info("AlterPartition of \(count) partitions got no answer (\(error)); retrying")
            state.withLock { $0.queue.requestFailed() }
            return nil
        }
        let topLevel = KafkaErrorCode(rawValue: response.errorCode)
        guard topLevel == .none else {
            if topLevel == .notController { await channel.notController() }
            logger.info("AlterPartition of \(count) partitions to controller \(controller) failed with error \(topLevel.rawValue); retrying")
            state.withLock { $0.queue.requestFailed() }
            return nil
        }
        let (answered, resumed) = state.withLock { state in
            let completed = state.queue.answered(response)
            return (completed.count, completed.compactMap { token, outcome in
                state.waiting.removeValue(forKey: token).map { ($0, outcome) }
            })
        }
        var refused = 0
        for (continuation, outcome) in resumed {
            if case .refused = outcome { refused += 1 }
            continuation.resume(returning: Self.partitionEpoch(outcome))
        }
        // One line per request, not per partition (Kafka logs each at debug): ISR changes are rare in a steady
        // cluster, and the count per request shows the batching when many come at once.
        logger.info("AlterPartition with \(count) ISR changes answered by controller \(controller): \(answered - refused) applied, \(refused) refused (the metadata log brings their current state), \(count - answered) to retry")
        return count - answered
    }
}
