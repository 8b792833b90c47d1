import Foundation

/// An event waiting in the ``ControllerEventQueue``: Kafka's `QueuedEvent`.
///
/// It remembers when it was enqueued (for the queue-wait measurement), opens a one-shot "processing
/// started" latch when the event thread picks it up, and guarantees that exactly one of
/// ``process(with:)`` and ``preempt(with:)`` ever runs its body, whichever comes first, on any thread.
public final class QueuedEvent: @unchecked Sendable {
    /// The event itself.
    public let event: ControllerEvent
    /// Monotonic clock reading at enqueue time.
    public let enqueueTimeNanoseconds: UInt64
    /// Wall-clock milliseconds at enqueue time (for traces).
    public let enqueueTimeMilliseconds: Int64

    private let condition = NSCondition()
    private var spent = false
    private var processingStarted = false

    init(event: ControllerEvent, enqueueTimeNanoseconds: UInt64, enqueueTimeMilliseconds: Int64) {
        self.event = event
        self.enqueueTimeNanoseconds = enqueueTimeNanoseconds
        self.enqueueTimeMilliseconds = enqueueTimeMilliseconds
    }

    /// Whether `process` or `preempt` has already claimed the event.
    public var isSpent: Bool { condition.withLock { spent } }

    /// Whether the event thread has started processing the event.
    public var hasStartedProcessing: Bool { condition.withLock { processingStarted } }

    /// Claims the event, opens the latch, and hands the event to `processor`. Returns `false` (and does
    /// nothing) if the event was already claimed. Errors from the processor propagate.
    @discardableResult
    public func process(with processor: any ControllerEventProcessor) throws -> Bool {
        guard claimForProcessing() else { return false }
        try processor.process(event)
        return true
    }

    /// Claims the event and hands it to `processor.preempt`. Returns `false` if it was already claimed.
    @discardableResult
    public func preempt(with processor: any ControllerEventProcessor) -> Bool {
        let claimed = condition.withLock { () -> Bool in
            if spent { return false }
            spent = true
            return true
        }
        guard claimed else { return false }
        processor.preempt(event)
        return true
    }

    /// Blocks until the event thread has started processing this event (Kafka's `awaitProcessing`).
    /// Used by the ZooKeeper session-expiry hook to be sure no stale event runs against a new session.
    /// Never returns if the event is preempted instead; use ``awaitProcessing(timeout:)`` where that matters.
    public func awaitProcessing() {
        condition.withLock {
            while !processingStarted { condition.wait() }
        }
    }

    /// Blocks until processing has started or `timeout` has passed; returns whether it started.
    public func awaitProcessing(timeout: Duration) -> Bool {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let deadline = Date(timeIntervalSinceNow: seconds)
        return condition.withLock {
            while !processingStarted {
                if !condition.wait(until: deadline) { return processingStarted }
            }
            return true
        }
    }

    /// Opens the latch without processing: used for `ShutdownEventThread`, which the thread never hands to
    /// the processor.
    func markProcessingStarted() {
        condition.withLock {
            spent = true
            processingStarted = true
            condition.broadcast()
        }
    }

    private func claimForProcessing() -> Bool {
        condition.withLock { () -> Bool in
            if spent { return false }
            spent = true
            processingStarted = true
            condition.broadcast()
            return true
        }
    }
}
