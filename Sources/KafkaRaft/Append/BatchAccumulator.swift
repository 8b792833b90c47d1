/// Groups the leader's appends into Raft batches (Kafka 3.3's `raft.internals.BatchAccumulator`): records
/// appended within `lingerMs` of the first record of the open batch go into one batch, which is drained when
/// the linger has passed or when it holds `maxBatchSize` records. Many small operations then cost one append to
/// the Raft log — one turn of the Raft thread, one fsync, one round of Fetches — instead of one each.
///
/// Pure: time comes in as `now` (ms). Offsets are assigned as records arrive, so the caller knows at once where
/// each record will land (Kafka's `scheduleAppend` returns that offset) and can check it when the batch is
/// appended. An operation larger than `maxBatchSize` is split across consecutive batches, as the controller
/// split large operations before.
public struct BatchAccumulator<Element: Sendable>: Sendable {
    /// A drained batch: `elements` go to the log at `baseOffset`, `baseOffset + 1`, ...
    public struct Batch: Sendable {
        public var baseOffset: Int64
        public var elements: [Element]
    }

    /// `controller.quorum.append.linger.ms` (Kafka's default 25).
    public let lingerMs: Int64
    /// Kafka bounds a batch by bytes (`KafkaRaftClient`'s maximum batch size); this reproduction bounds it by
    /// records, 500 as the controller's chunks were before.
    public let maxBatchSize: Int
    /// The offset the next appended element gets.
    public private(set) var nextOffset: Int64
    private var full: [Batch] = []
    private var open: Batch?
    /// When the first element of the open batch arrived.
    private var openedAt: Int64?

    public init(nextOffset: Int64, lingerMs: Int64 = 25, maxBatchSize: Int = 500) {
        precondition(maxBatchSize > 0, "maxBatchSize must be positive")
        self.nextOffset = nextOffset
        self.lingerMs = lingerMs
        self.maxBatchSize = maxBatchSize
    }

    /// Adds `elements` after everything appended before; returns the offset of the first (nil for none).
    @discardableResult
    public mutating func append(_ elements: [Element], now: Int64) -> Int64? {
        guard !elements.isEmpty else { return nil }
        let first = nextOffset
        var remaining = elements[...]
        while !remaining.isEmpty {
            var batch = open ?? Batch(baseOffset: nextOffset, elements: [])
            if open == nil { openedAt = now }
            let room = maxBatchSize - batch.elements.count
            batch.elements += remaining.prefix(room)
            nextOffset += Int64(min(room, remaining.count))
            remaining = remaining.dropFirst(room)
            if batch.elements.count == maxBatchSize {
                full.append(batch)
                open = nil
                openedAt = nil
            } else {
                open = batch
            }
        }
        return first
    }

    /// When the open batch's linger ends (nil when no batch is open): the caller drains then.
    public var lingerDeadline: Int64? { openedAt.map { $0 + lingerMs } }

    /// Whether `drain(now:)` would return something.
    public func hasReadyBatches(now: Int64) -> Bool {
        !full.isEmpty || (lingerDeadline.map { now >= $0 } ?? false)
    }

    /// The batches ready at `now`, oldest first: every full one, and the open one once its linger has passed.
    public mutating func drain(now: Int64) -> [Batch] {
        var ready = full
        full = []
        if let deadline = lingerDeadline, now >= deadline, let batch = open {
            ready.append(batch)
            open = nil
            openedAt = nil
        }
        return ready
    }

    /// Everything accumulated, whatever its linger (a leader flushing before it resigns).
    public mutating func drainAll() -> [Batch] {
        var ready = full
        if let batch = open { ready.append(batch) }
        full = []
        open = nil
        openedAt = nil
        return ready
    }

    /// Number of elements waiting to be drained.
    public var pendingCount: Int { full.reduce(0) { $0 + $1.elements.count } + (open?.elements.count ?? 0) }
}
