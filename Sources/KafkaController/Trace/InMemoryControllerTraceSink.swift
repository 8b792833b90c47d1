import Foundation

/// A sink that keeps every record in memory, in order: for tests and for tooling that inspects the trace
/// without a file.
public final class InMemoryControllerTraceSink: ControllerTraceSink, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [ControllerTraceRecord] = []
    private var flushes = 0

    public init() {}

    public func append(_ record: ControllerTraceRecord) {
        lock.withLock { stored.append(record) }
    }

    /// Counts calls, so tests can check who flushes when.
    public func flush() {
        lock.withLock { flushes += 1 }
    }

    /// How many times ``flush()`` was called.
    public var flushCount: Int { lock.withLock { flushes } }

    /// Every record so far.
    public var records: [ControllerTraceRecord] { lock.withLock { stored } }

    /// The event records so far.
    public var events: [ControllerEventTraceRecord] {
        records.compactMap { if case .event(let record) = $0 { record } else { nil } }
    }

    /// The transition records so far.
    public var transitions: [StateTransitionTraceRecord] {
        records.compactMap { if case .transition(let record) = $0 { record } else { nil } }
    }

    /// Forgets everything recorded so far.
    public func removeAll() { lock.withLock { stored.removeAll() } }
}
