import Foundation

/// The controller's unbounded blocking FIFO: Kafka's `LinkedBlockingQueue[QueuedEvent]` plus the `putLock`
/// of `ControllerEventManager`.
///
/// - ``put(_:)`` never blocks on the consumer and is safe from any thread (ZooKeeper watcher threads,
///   request-sender threads, API handlers, timers).
/// - ``take()`` blocks the (single) consumer until an event is available.
/// - ``clearAndPut(_:)`` drains every queued event, preempts each one on the *calling* thread (so reply
///   closures still fire, with a "not the controller" failure), then enqueues the new event. It holds the put
///   lock throughout, so no other producer can slip an event in between; the put lock is recursive, like
///   Kafka's `ReentrantLock`, so a reply closure that itself puts an event does not deadlock.
/// - After ``close(with:)`` the queue accepts no more work: later events are preempted immediately instead of
///   waiting forever behind a thread that has stopped.
///
/// Built on an `NSCondition` (a mutex plus condition variable) rather than an actor: the consumer is a
/// dedicated OS thread that must block, and producers include C callback threads that cannot `await`.
public final class ControllerEventQueue: @unchecked Sendable {
    private let clock: any ControllerClock
    private let preemptHandler: @Sendable (QueuedEvent) -> Void
    /// Serialises producers so that `clearAndPut` is atomic with respect to `put`.
    private let putLock = NSRecursiveLock()
    /// Protects `storage`, `head` and `closed`; signalled when an event arrives.
    private let condition = NSCondition()
    private var storage: [QueuedEvent?] = []
    private var head = 0
    private var closed = false

    /// - Parameters:
    ///   - clock: stamps each event's enqueue time.
    ///   - preempt: called (on the producer's thread) for every event drained by `clearAndPut` or put after
    ///     `close`. The ``ControllerEventManager`` passes `{ $0.preempt(with: processor) }`.
    public init(
        clock: any ControllerClock = SystemControllerClock(),
        preempt: @escaping @Sendable (QueuedEvent) -> Void
    ) {
        self.clock = clock
        self.preemptHandler = preempt
    }

    /// The number of events waiting (Kafka's `EventQueueSize` gauge).
    public var count: Int { condition.withLock { storage.count - head } }

    /// Whether ``close(with:)`` has been called.
    public var isClosed: Bool { condition.withLock { closed } }

    /// Appends an event. Non-blocking and thread-safe. On a closed queue the event is preempted at once.
    @discardableResult
    public func put(_ event: ControllerEvent) -> QueuedEvent {
        putLock.withLock {
            let queued = makeQueued(event)
            let accepted = condition.withLock { () -> Bool in
                if closed { return false }
                append(queued)
                return true
            }
            if !accepted { preemptHandler(queued) }
            return queued
        }
    }

    /// Drains the queue, preempts every drained event on the calling thread, then enqueues `event`.
    /// Kafka uses it for `Expire` and `ShutdownEventThread`.
    @discardableResult
    public func clearAndPut(_ event: ControllerEvent) -> QueuedEvent {
        clearAndPut(event, closing: false)
    }

    /// ``clearAndPut(_:)`` that also closes the queue: everything put afterwards is preempted immediately.
    @discardableResult
    public func close(with event: ControllerEvent) -> QueuedEvent {
        clearAndPut(event, closing: true)
    }

    /// Removes and returns the oldest event, blocking while the queue is empty.
    public func take() -> QueuedEvent {
        condition.withLock {
            while head == storage.count { condition.wait() }
            return removeFirst()
        }
    }

    /// Removes and returns the oldest event, waiting at most `timeout`; `nil` if none arrived.
    public func poll(timeout: Duration) -> QueuedEvent? {
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        let deadline = Date(timeIntervalSinceNow: seconds)
        return condition.withLock { () -> QueuedEvent? in
            while head == storage.count {
                if !condition.wait(until: deadline) { break }
            }
            return head == storage.count ? nil : removeFirst()
        }
    }

    // MARK: - Private

    private func clearAndPut(_ event: ControllerEvent, closing: Bool) -> QueuedEvent {
        putLock.withLock {
            let drained = condition.withLock { () -> [QueuedEvent] in
                let events = storage[head...].compactMap { $0 }
                storage.removeAll(keepingCapacity: true)
                head = 0
                return events
            }
            // Preempt outside the storage lock (reply closures may call `put`) but inside the put lock, so
            // the new event is enqueued only after every drained event has been answered, as in Kafka.
            for queued in drained { preemptHandler(queued) }
            let queued = makeQueued(event)
            let accepted = condition.withLock { () -> Bool in
                if closed { return false }
                append(queued)
                if closing { closed = true }
                return true
            }
            if !accepted { preemptHandler(queued) }
            return queued
        }
    }

    private func makeQueued(_ event: ControllerEvent) -> QueuedEvent {
        QueuedEvent(
            event: event, enqueueTimeNanoseconds: clock.nanoseconds(),
            enqueueTimeMilliseconds: clock.wallClockMilliseconds())
    }

    /// Requires `condition` to be held.
    private func append(_ queued: QueuedEvent) {
        storage.append(queued)
        condition.signal()
    }

    /// Requires `condition` to be held and the queue to be non-empty.
    private func removeFirst() -> QueuedEvent {
        let queued = storage[head]!
        storage[head] = nil
        head += 1
        // Compact once the consumed prefix dominates, keeping dequeue amortised O(1).
        if head > 64 && head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return queued
    }
}
