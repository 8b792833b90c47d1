import KafkaRaft

/// A minimal serial shell around one `RaftInstance` and its `RaftDiskStorage` (the role of Kafka's
/// `KafkaRaftClientDriver` thread, without the network): it loads the member from disk, feeds it
/// inputs, performs the storage directives in order, and carries out the flushes the core asks for
/// (group commit: one fsync covers everything written so far), reporting each completion back to the
/// core. What is left for the caller: the messages to send, the notifications for the state machine,
/// and in `.deferred` mode the fsync to run elsewhere.
///
/// Not thread-safe: confine it to one thread or actor (a `PendingLogFlush` alone may run elsewhere).
public final class RaftStorageDriver {
    /// Where the fsync behind the core's `flushLog` runs.
    public enum FlushMode: Sendable, Equatable {
        /// On the driver's thread, before the input returns (Kafka 3.3: the Raft thread fsyncs).
        case synchronous
        /// Handed to the caller as `Output.flush`, to run on another thread and report with
        /// `flushCompleted(_:now:)`: the input returns at once, and the core learns the flushed offset as
        /// an input of its own. The core acknowledges nothing before that input (a follower fetches, and a
        /// leader counts its own log towards the high watermark, only up to its flushed offset).
        case deferred
    }

    public private(set) var instance: RaftInstance
    public let storage: RaftDiskStorage
    public let flushMode: FlushMode
    /// The deferred flush handed out and not yet reported: its id, and the offset its completion may
    /// report — its `endOffset`, lowered when the log is truncated (or replaced by a snapshot) meanwhile, since
    /// records written after such a truncation were not covered by the fsync that began before it.
    private var flushInFlight: (id: UInt64, reportableEnd: Int64)?
    private var nextFlushID: UInt64 = 1

    /// What one input produced for the caller.
    public struct Output: Sendable, Equatable {
        public var messages: [RaftEnvelope] = []
        /// `leaderChanged`, `highWatermarkAdvanced`, `installSnapshot` and `halt`, in order.
        public var notifications: [RaftDirective] = []
        /// `.deferred` mode: an fsync the caller must run (off this thread) and then report.
        public var flush: PendingLogFlush?

        public static func == (lhs: Output, rhs: Output) -> Bool {
            lhs.messages == rhs.messages && lhs.notifications == rhs.notifications && lhs.flush?.id == rhs.flush?.id
        }
    }

    public init(
        directory: String, localId: Int32, voters: [Int32], config: RaftConfig = RaftConfig(), now: Int64, seed: UInt64,
        flushMode: FlushMode = .synchronous
    ) throws(RaftStorageError) {
        self.flushMode = flushMode
        storage = try RaftDiskStorage(directory: directory)
        let (quorumState, log) = try storage.load()
        instance = RaftInstance(localId: localId, voters: voters, config: config, quorumState: quorumState, log: log, now: now, seed: seed)
    }

    public func start(now: Int64) throws(RaftStorageError) -> Output {
        try perform(instance.start(now: now), now: now)
    }

    public func receive(_ envelope: RaftEnvelope, now: Int64) throws(RaftStorageError) -> Output {
        try perform(instance.onMessage(envelope, now: now), now: now)
    }

    public func tick(now: Int64) throws(RaftStorageError) -> Output {
        try perform(instance.onTick(now: now), now: now)
    }

    public func append(_ payloads: [[UInt8]], now: Int64) throws(RaftStorageError) -> (baseOffset: Int64?, output: Output) {
        let (baseOffset, directives) = instance.append(payloads, now: now)
        return (baseOffset, try perform(directives, now: now))
    }

    public func createSnapshot(endOffset: Int64, data: [UInt8], now: Int64) throws(RaftStorageError) -> Output {
        try perform(instance.createSnapshot(endOffset: endOffset, data: data, now: now), now: now)
    }

    public func resign(now: Int64) throws(RaftStorageError) -> Output {
        try perform(instance.resign(now: now), now: now)
    }

    /// `.deferred` mode: the caller ran `flush` (taken from an `Output`); the core learns what is durable now.
    /// A completion other than the one outstanding is ignored.
    public func flushCompleted(_ flush: PendingLogFlush, now: Int64) throws(RaftStorageError) -> Output {
        guard let inFlight = flushInFlight, inFlight.id == flush.id else { return Output() }
        flushInFlight = nil
        return try perform(instance.onLogFlushed(endOffset: inFlight.reportableEnd, now: now), now: now)
    }

    /// Whether a deferred flush is out with the caller.
    public var isFlushInFlight: Bool { flushInFlight != nil }

    private func perform(_ directives: [RaftDirective], now: Int64) throws(RaftStorageError) -> Output {
        var output = Output()
        var pending = directives
        while true {
            var flushRequested = false
            for directive in pending {
                try storage.apply(directive)
                switch directive {
                case .send(let envelope): output.messages.append(envelope)
                case .flushLog: flushRequested = true
                case .leaderChanged, .highWatermarkAdvanced, .halt: output.notifications.append(directive)
                case .installSnapshot(let snapshot):
                    lowerFlushInFlight(to: snapshot.id.offset)
                    output.notifications.append(directive)
                case .truncateLog(let offset): lowerFlushInFlight(to: offset)
                case .persistQuorumState, .appendToLog, .writeSnapshot, .deleteLogPrefix: break
                }
            }
            guard flushRequested else { return output }
            switch flushMode {
            case .synchronous:
                let endOffset = try storage.flush()
                pending = instance.onLogFlushed(endOffset: endOffset, now: now)
            case .deferred:
                // The core asks again only after this one is reported, so at most one is out at a time.
                precondition(flushInFlight == nil, "the core asked for a flush while one is in flight")
                let flush = try storage.log.pendingFlush(id: nextFlushID)
                nextFlushID += 1
                flushInFlight = (flush.id, flush.endOffset)
                output.flush = flush
                return output
            }
        }
    }

    private func lowerFlushInFlight(to offset: Int64) {
        guard let inFlight = flushInFlight else { return }
        flushInFlight = (inFlight.id, min(inFlight.reportableEnd, offset))
    }
}
