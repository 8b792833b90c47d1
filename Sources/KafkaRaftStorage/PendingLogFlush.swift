#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One fsync of `__cluster_metadata-0` that a `RaftStorageDriver` in `.deferred` mode hands to its shell to run
/// off the Raft thread (group commit): it makes durable every record written before it was taken, up to
/// `endOffset`. It holds a duplicate of the segment's descriptor, so the Raft thread may keep appending (or
/// even rewrite the segment) while it runs. Run it once, on any thread, then report it with
/// ``RaftStorageDriver/flushCompleted(_:now:)`` on the driver's thread.
///
/// Kafka 3.3 fsyncs on the Raft thread itself (`KafkaRaftClient.flushLeaderLog` after each append); doing it
/// here instead lets Fetch requests and appends proceed during a slow fsync, while the core still counts only
/// flushed records: the leader's own end offset towards the high watermark, a follower's in its next Fetch.
public final class PendingLogFlush: @unchecked Sendable {
    /// Distinguishes flushes; the driver accepts a completion only for the flush it handed out last.
    public let id: UInt64
    /// The log end offset when the flush was taken: everything below it is durable once `run()` returns.
    public let endOffset: Int64
    let path: String
    private let descriptor: Int32
    private var done = false

    init(id: UInt64, endOffset: Int64, descriptor: Int32, path: String) {
        self.id = id
        self.endOffset = endOffset
        self.descriptor = descriptor
        self.path = path
    }

    deinit { if !done { close(descriptor) } }

    /// The fsync (blocking; call it off the Raft thread). Closes the duplicate descriptor.
    public func run() throws(RaftStorageError) {
        precondition(!done, "a PendingLogFlush runs once")
        done = true
        defer { close(descriptor) }
        try DurableFile.sync(descriptor, path: path)
    }
}
