import Synchronization

/// One immutable `LogConfig` that every log with equal settings points at. A `LogConfig` is 13 stored settings
/// (104 bytes); held inline, each of 100,000 idle logs carried its own copy although a broker has one per topic
/// with overrides plus the broker default (issue 14: a third of a log's fixed size). Equal configs are looked up
/// in a small process-wide table, bounded so a broker that keeps creating topics with distinct overrides only
/// stops sharing instead of growing the table.
final class SharedLogConfig: Sendable {
    let value: LogConfig

    private init(_ value: LogConfig) { self.value = value }

    /// Distinct configs kept for sharing; past this, new ones get a box of their own.
    static let tableCapacity = 1_024

    private static let table = Mutex<[LogConfig: SharedLogConfig]>([:])

    /// The shared box holding `value`.
    static func of(_ value: LogConfig) -> SharedLogConfig {
        table.withLock { table in
            if let shared = table[value] { return shared }
            let box = SharedLogConfig(value)
            if table.count < tableCapacity { table[value] = box }
            return box
        }
    }
}
