import Foundation
import Logging

/// Runs the controller: one dedicated OS thread, `controller-event-thread`, that takes events from a
/// ``ControllerEventQueue`` and hands them, one at a time and strictly in order, to a
/// ``ControllerEventProcessor`` (Kafka's `ControllerEventManager`).
///
/// Loop, per event: take → (``ControllerEvent/shutdownEventThread`` ends the loop) → set ``state`` to the
/// event's ``ControllerEvent/state`` → record the queue wait → run `process` inside a catch-all that logs the
/// error → record the processing time for that state → set ``state`` back to ``ControllerState/idle`` →
/// append an event record to the trace → flush the trace sink, so a buffering sink has written every line of
/// the event (its transitions and its event record) by the time the next event starts.
///
/// Why a thread and not an actor: an actor method that `await`s can interleave with the next message, but
/// Kafka's controller depends on each event running to completion — including blocking ZooKeeper round trips
/// — before the next one starts. A thread draining a blocking FIFO gives exactly that, and keeps blocking
/// calls off the cooperative pool.
///
/// Threading contract: ``put(_:)``, ``clearAndPut(_:)``, ``close()`` and every accessor may be called from any
/// thread. The processor's `process` runs only on the event thread.
public final class ControllerEventManager: @unchecked Sendable {
    /// The event thread's name, as in Kafka.
    public static let threadName = "controller-event-thread"

    private enum Lifecycle {
        case created
        case running
        case closed
    }

    public let processor: any ControllerEventProcessor
    private let clock: any ControllerClock
    private let traceSink: any ControllerTraceSink
    private let logger: Logger
    private let metrics: ControllerEventMetrics
    private let queue: ControllerEventQueue

    /// Protects `lifecycle`, `currentState`, `statistics`, `threadExited`; signalled when the thread exits.
    private let condition = NSCondition()
    private var lifecycle = Lifecycle.created
    private var currentState = ControllerState.idle
    private var statistics = ControllerEventStatistics()
    private var threadExited = false
    private var thread: Thread?

    /// - Parameters:
    ///   - processor: the controller that handles events.
    ///   - clock: for queue waits and processing times; inject a ``ManualControllerClock`` in tests.
    ///   - traceSink: receives one ``ControllerEventTraceRecord`` per event, and a ``ControllerTraceSink/flush()``
    ///     after each.
    ///   - logger: logs failed events.
    ///   - metrics: Kafka's `ControllerStats` timers and `EventQueueTimeMs`, recorded as each event ends.
    public init(
        processor: any ControllerEventProcessor,
        clock: any ControllerClock = SystemControllerClock(),
        traceSink: any ControllerTraceSink = DiscardingControllerTraceSink(),
        logger: Logger = Logger(label: "kafka.controller.event-manager"),
        metrics: ControllerEventMetrics = ControllerEventMetrics()
    ) {
        self.processor = processor
        self.clock = clock
        self.traceSink = traceSink
        self.logger = logger
        self.metrics = metrics
        let owner = WeakManager()
        self.queue = ControllerEventQueue(clock: clock) { queued in
            if let manager = owner.manager {
                manager.preempt(queued)
            } else {
                queued.preempt(with: processor)
            }
        }
        owner.manager = self
    }

    // MARK: - Observing

    /// What the event thread is doing now (Kafka's `ControllerState` gauge).
    public var state: ControllerState { condition.withLock { currentState } }

    /// Events waiting in the queue (Kafka's `EventQueueSize` gauge).
    public var queueSize: Int { queue.count }

    /// Per-state counts and processing times, and queue waits, so far.
    public var eventStatistics: ControllerEventStatistics { condition.withLock { statistics } }

    /// Whether the caller is running on this manager's event thread (a check for threading contracts).
    /// Compares thread identity: on Linux the OS-level name is limited to 15 bytes, so
    /// `controller-event-thread` is only the Foundation name.
    public var isCurrentThreadEventThread: Bool {
        let eventThread = condition.withLock { thread }
        return eventThread != nil && Thread.current === eventThread
    }

    /// Whether the event thread has been started and has not exited yet.
    public var isRunning: Bool { condition.withLock { lifecycle == .running && !threadExited } }

    // MARK: - Lifecycle

    /// Starts the event thread. Calling it again, or after ``close()``, does nothing.
    public func start() {
        let thread = condition.withLock { () -> Thread? in
            guard lifecycle == .created else { return nil }
            lifecycle = .running
            let thread = Thread { [self] in runLoop() }
            thread.name = Self.threadName
            self.thread = thread
            return thread
        }
        thread?.start()
    }

    /// Stops the event thread: drains and preempts every queued event, enqueues
    /// ``ControllerEvent/shutdownEventThread`` and waits until the thread has exited (Kafka's `close()`:
    /// `clearAndPut(ShutdownEventThread)` then join). The event being processed, if any, runs to completion.
    /// Events put afterwards are preempted at once. Idempotent; safe to call from the event thread itself
    /// (it then does not wait for itself).
    public func close() {
        let wasRunning = condition.withLock { () -> Bool? in
            switch lifecycle {
            case .closed: return nil
            case .created:
                lifecycle = .closed
                return false
            case .running:
                lifecycle = .closed
                return true
            }
        }
        guard let wasRunning else {
            waitForThreadExit()
            return
        }
        queue.close(with: .shutdownEventThread)
        if wasRunning { waitForThreadExit() }
    }

    // MARK: - Producing

    /// Enqueues an event. Non-blocking, thread-safe. After ``close()`` the event is preempted immediately.
    @discardableResult
    public func put(_ event: ControllerEvent) -> QueuedEvent { queue.put(event) }

    /// Drains and preempts every queued event on the calling thread, then enqueues `event` (Kafka uses it
    /// for `Expire`). Call ``QueuedEvent/awaitProcessing()`` on the result to wait until it runs.
    @discardableResult
    public func clearAndPut(_ event: ControllerEvent) -> QueuedEvent { queue.clearAndPut(event) }

    // MARK: - Private

    private func waitForThreadExit() {
        if isCurrentThreadEventThread { return }
        condition.withLock {
            guard thread != nil else { return }
            while !threadExited { condition.wait() }
        }
    }

    /// Whether the calling thread is some manager's event thread (for shells whose helpers may only block there).
    public static var isCurrentThreadAnEventThread: Bool {
        Thread.current.threadDictionary[eventThreadMarker] as? Bool == true
    }

    private static let eventThreadMarker = "zkafka.controller-event-thread"

    private func runLoop() {
        Thread.current.threadDictionary[Self.eventThreadMarker] = true
        while true {
            let queued = queue.take()
            if case .shutdownEventThread = queued.event {
                queued.markProcessingStarted()
                break
            }
            process(queued)
        }
        traceSink.flush()
        condition.withLock {
            threadExited = true
            currentState = .idle
            condition.broadcast()
        }
    }

    private func process(_ queued: QueuedEvent) {
        let event = queued.event
        let eventState = event.state
        let dequeuedAt = clock.nanoseconds()
        let queueWait = dequeuedAt >= queued.enqueueTimeNanoseconds ? dequeuedAt - queued.enqueueTimeNanoseconds : 0
        condition.withLock {
            currentState = eventState
            statistics.recordQueueWait(queueWait)
        }
        metrics.recordQueueWait(nanoseconds: queueWait)
        var failure: (any Error)?
        var ran = false
        do {
            ran = try queued.process(with: processor)
        } catch {
            failure = error
            logger.error(
                "Uncaught error while processing controller event",
                metadata: ["event": "\(event.name)", "state": "\(eventState)", "error": "\(error)"])
        }
        let processing = clock.nanoseconds() &- dequeuedAt
        condition.withLock {
            if ran || failure != nil {
                statistics.recordProcessing(state: eventState, nanoseconds: processing, failed: failure != nil)
            }
            currentState = .idle
        }
        if ran || failure != nil {
            metrics.recordProcessing(state: eventState, nanoseconds: processing, failed: failure != nil)
        }
        guard ran || failure != nil else {  // preempted meanwhile: already traced
            traceSink.flush()
            return
        }
        traceSink.append(
            .event(
                ControllerEventTraceRecord(
                    type: event.name, state: eventState.name, enqueueTimeMs: queued.enqueueTimeMilliseconds,
                    queueWaitMs: Double(queueWait) / 1e6, processingMs: Double(processing) / 1e6,
                    outcome: failure == nil ? .processed : .failed, error: failure.map { "\($0)" })))
        traceSink.flush()
    }

    /// Runs on the thread that drained the event (or put it after close).
    private func preempt(_ queued: QueuedEvent) {
        guard queued.preempt(with: processor) else { return }
        let wait = clock.nanoseconds() &- queued.enqueueTimeNanoseconds
        condition.withLock { statistics.preemptedEvents += 1 }
        metrics.recordPreemption()
        if case .shutdownEventThread = queued.event { return }
        logger.debug("Preempted controller event", metadata: ["event": "\(queued.event.name)"])
        traceSink.append(
            .event(
                ControllerEventTraceRecord(
                    type: queued.event.name, state: queued.event.state.name,
                    enqueueTimeMs: queued.enqueueTimeMilliseconds, queueWaitMs: Double(wait) / 1e6,
                    processingMs: 0, outcome: .preempted)))
        traceSink.flush()  // preemption is rare (Expire, shutdown): one write per preempted event is fine
    }
}

/// Lets the queue's preempt handler reach the manager that owns the queue without a reference cycle.
private final class WeakManager: @unchecked Sendable {
    weak var manager: ControllerEventManager?
}
