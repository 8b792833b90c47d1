import KafkaRaft

/// A minimal serial shell around one `RaftInstance` and its `RaftDiskStorage` (the role of Kafka's
/// `KafkaRaftClientDriver` thread, without the network): it loads the member from disk, feeds it
/// inputs, performs the storage directives in order, and fsyncs once per input when the core asked
/// for a flush (group commit), reporting the completion back to the core. What is left for the
/// caller: the messages to send and the notifications for the state machine.
///
/// Not thread-safe: confine it to one thread or actor.
public final class RaftStorageDriver {
    public private(set) var instance: RaftInstance
    public let storage: RaftDiskStorage

    /// What one input produced for the caller.
    public struct Output: Sendable, Equatable {
        public var messages: [RaftEnvelope] = []
        /// `leaderChanged`, `highWatermarkAdvanced`, `installSnapshot` and `halt`, in order.
        public var notifications: [RaftDirective] = []
    }

    public init(
        directory: String, localId: Int32, voters: [Int32], config: RaftConfig = RaftConfig(), now: Int64, seed: UInt64
    ) throws(RaftStorageError) {
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
                case .leaderChanged, .highWatermarkAdvanced, .installSnapshot, .halt: output.notifications.append(directive)
                case .persistQuorumState, .appendToLog, .truncateLog, .writeSnapshot, .deleteLogPrefix: break
                }
            }
            guard flushRequested else { return output }
            let endOffset = try storage.flush()
            pending = instance.onLogFlushed(endOffset: endOffset, now: now)
        }
    }
}
