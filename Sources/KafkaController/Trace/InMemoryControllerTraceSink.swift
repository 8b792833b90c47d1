import Foundation

/// A sink that keeps every record in memory, in order: for tests and for tooling that inspects the trace
/// without a file.
public final class InMemoryControllerTraceSink: ControllerTraceSink, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [ControllerTraceRecord] = []

    public init() {}

    public func append(_ record: ControllerTraceRecord) {
        lock.withLock { stored.append(record) }
    }

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
