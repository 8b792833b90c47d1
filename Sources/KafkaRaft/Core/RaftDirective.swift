/// What the Raft core asks its shell to do, in order. The contract: directives are performed in
/// the order given; `persistQuorumState`, `truncateLog`, `writeSnapshot`, `deleteLogPrefix` and
/// `installSnapshot` are durable before the next directive runs (so a granted vote or an
/// acknowledgement is never sent before the state it depends on is on disk); `appendToLog` only
/// reaches the page cache, and `flushLog` starts an fsync whose completion the shell reports with
/// `RaftInstance.onLogFlushed(endOffset:now:)`.
public enum RaftDirective: Sendable, Equatable {
    case send(RaftEnvelope)
    case persistQuorumState(QuorumStateData)
    case appendToLog(baseOffset: Int64, records: [RaftRecord])
    case truncateLog(toEndOffset: Int64)
    case flushLog
    /// Write a snapshot the local state machine produced (`<offset>-<epoch>.checkpoint`).
    case writeSnapshot(RaftSnapshot)
    /// Delete log records below `newStartOffset` (a snapshot now covers them).
    case deleteLogPrefix(newStartOffset: Int64)
    /// A follower replaces its whole log with a snapshot fetched from the leader; the state
    /// machine must reload from it.
    case installSnapshot(RaftSnapshot)
    /// Notification: the known leader or epoch changed (`leaderId` nil while unknown).
    case leaderChanged(epoch: Int32, leaderId: Int32?)
    /// Notification: records below this offset are committed and may be applied.
    case highWatermarkAdvanced(Int64)
    /// The protocol's safety was violated (two leaders of one epoch, a leader asking to truncate
    /// committed records): the member must stop, as Kafka's Raft thread dies on these exceptions.
    /// The core ignores further inputs.
    case halt(reason: String)
}
