/// Where trace records go. Implementations must be safe to call from any thread (the event thread records
/// transitions and processed events; a `clearAndPut` caller records preempted ones).
public protocol ControllerTraceSink: AnyObject, Sendable {
    /// Appends one record. Must not throw: a sink that cannot write logs the problem and drops the record,
    /// the controller never stops because of its trace.
    func append(_ record: ControllerTraceRecord)

    /// Hands records a sink buffers to their destination. The event manager calls it at the end of every
    /// controller event, so a buffering sink's output is complete up to the last finished event. Must not throw.
    func flush()
}

extension ControllerTraceSink {
    /// Sinks that do not buffer have nothing to do.
    public func flush() {}
}

/// A sink that drops everything: the default when no trace is wanted.
public final class DiscardingControllerTraceSink: ControllerTraceSink {
    public init() {}
    public func append(_ record: ControllerTraceRecord) {}
}
