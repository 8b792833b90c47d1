/// How `--reset-offsets` computes the new offsets (Kafka 2.8 `prepareOffsetsToReset`).
public enum OffsetResetScenario: Sendable, Equatable {
    case toEarliest
    case toLatest
    /// The committed offset, or the log end offset for partitions without one.
    case toCurrent
    /// Clamped into [log start, log end] (Kafka's `checkOffsetsRange`).
    case toOffset(Int64)
    /// Committed offset + n, clamped; partitions without a committed offset are an error.
    case shiftBy(Int64)
    /// The earliest offset whose timestamp is at or after this time (milliseconds since the
    /// epoch); the log end offset where no record is that recent.
    case toDatetime(Int64)
}
