/// A snapshot of what the controller event thread has done: per-state counts and processing times (Kafka's
/// per-state `RateAndTimeMs` timers) and queue waits (Kafka's `EventQueueTimeMs` histogram).
public struct ControllerEventStatistics: Sendable, Hashable {
    /// Counts and processing times of the events that ran in one ``ControllerState``.
    public struct StateTimer: Sendable, Hashable {
        /// Events processed in this state (including failed ones).
        public var count: Int = 0
        /// Events whose processor threw.
        public var failures: Int = 0
        /// Sum of processing times.
        public var totalProcessingNanoseconds: UInt64 = 0
        /// Longest processing time.
        public var maxProcessingNanoseconds: UInt64 = 0

        public init() {}
    }

    /// How many recent queue waits ``recentQueueWaitNanoseconds`` keeps.
    public static let recentQueueWaitCapacity = 128

    /// Per controller state, only for states that have processed at least one event.
    public var states: [ControllerState: StateTimer] = [:]
    /// The queue waits of the most recent events, oldest first (at most ``recentQueueWaitCapacity``).
    public var recentQueueWaitNanoseconds: [UInt64] = []
    /// The longest queue wait seen.
    public var maxQueueWaitNanoseconds: UInt64 = 0
    /// Sum of all queue waits.
    public var totalQueueWaitNanoseconds: UInt64 = 0
    /// Events handed to the processor.
    public var processedEvents: Int = 0
    /// Events answered by preemption instead.
    public var preemptedEvents: Int = 0

    public init() {}

    /// The timer of one state (zero if it never ran).
    public subscript(state: ControllerState) -> StateTimer { states[state] ?? StateTimer() }

    /// The most recent queue wait, if any event has been taken.
    public var lastQueueWaitNanoseconds: UInt64? { recentQueueWaitNanoseconds.last }

    mutating func recordQueueWait(_ wait: UInt64) {
        recentQueueWaitNanoseconds.append(wait)
        if recentQueueWaitNanoseconds.count > Self.recentQueueWaitCapacity {
            recentQueueWaitNanoseconds.removeFirst(recentQueueWaitNanoseconds.count - Self.recentQueueWaitCapacity)
        }
        maxQueueWaitNanoseconds = max(maxQueueWaitNanoseconds, wait)
        totalQueueWaitNanoseconds &+= wait
    }

    mutating func recordProcessing(state: ControllerState, nanoseconds: UInt64, failed: Bool) {
        var timer = states[state] ?? StateTimer()
        timer.count += 1
        if failed { timer.failures += 1 }
        timer.totalProcessingNanoseconds &+= nanoseconds
        timer.maxProcessingNanoseconds = max(timer.maxProcessingNanoseconds, nanoseconds)
        states[state] = timer
        processedEvents += 1
    }
}
