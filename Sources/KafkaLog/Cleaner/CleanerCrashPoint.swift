/// Test hook: where a cleaning pass stops as if the broker had crashed, leaving the files as they
/// are at that step of Kafka's `.cleaned` → `.swap` → rename protocol.
public enum CleanerCrashPoint: Sendable, Hashable {
    /// The cleaned segment is written as `<base>.log.cleaned` (recovery discards it: old segments).
    case afterCleanedWritten
    /// The cleaned segment is renamed `<base>.log.swap` (recovery completes the swap: new segments).
    case afterSwapRenamed
    /// The old segments are deleted, the swap not renamed yet (recovery completes the swap).
    case afterOldSegmentsDeleted
}
