import NIOConcurrencyHelpers
import NIOCore

/// The bounded hand-off between processors (event loops) and the request handler pool (Kafka's `RequestChannel`).
///
/// - At most `queueCapacity` (`queued.max.requests`) requests wait for a handler. When the queue is full a
///   processor's request is parked in `waitingForRoom` instead of being dropped; its connection is muted (it has a
///   request outstanding), so it reads nothing more until the request has been answered. Kafka's processor blocks
///   in `requestQueue.put` instead, which stops it reading from all its connections; here only the connections
///   whose request did not fit stop. Each connection has at most one request outstanding, so the parked list is
///   bounded by the number of connections.
/// - At most `maxInProcessing` requests are handed to handlers and not yet completed: a handler worker waits in
///   ``receive()`` until a slot is free. This bounds suspended handlers (Kafka's purgatory) too.
final class RequestChannel: Sendable {
    struct Counters: Sendable, Hashable {
        var queued = 0
        var waitingForRoom = 0
        var inProcessing = 0
        var maxQueued = 0
        var maxInProcessing = 0
        var maxOutstanding = 0
    }

    private struct State {
        var queue = CircularBuffer<NetworkRequest>()
        var waitingForRoom = CircularBuffer<NetworkRequest>()
        var receivers = CircularBuffer<CheckedContinuation<NetworkRequest?, Never>>()
        var closed = false
        var counters = Counters()
    }

    let queueCapacity: Int
    let maxInProcessing: Int
    private let state = NIOLockedValueBox(State())

    init(queueCapacity: Int, maxInProcessing: Int) {
        precondition(queueCapacity >= 1 && maxInProcessing >= 1)
        self.queueCapacity = queueCapacity
        self.maxInProcessing = maxInProcessing
    }

    /// Hands a request over; never blocks. Returns false when the channel is closed (the server is stopping).
    func send(_ request: NetworkRequest) -> Bool {
        let handOffs: [(CheckedContinuation<NetworkRequest?, Never>, NetworkRequest)]? = state.withLockedValue {
            state in
            guard !state.closed else { return nil }
            if state.queue.count < queueCapacity {
                state.queue.append(request)
            } else {
                state.waitingForRoom.append(request)
            }
            return Self.balance(&state, queueCapacity: queueCapacity, maxInProcessing: maxInProcessing)
        }
        guard let handOffs else { return false }
        for (continuation, request) in handOffs { continuation.resume(returning: request) }
        return true
    }

    /// The next request, once one is queued and fewer than `maxInProcessing` are being processed; counts it as in
    /// processing until ``completed()``. Returns nil once the channel is closed.
    func receive() async -> NetworkRequest? {
        await withCheckedContinuation { (continuation: CheckedContinuation<NetworkRequest?, Never>) in
            let outcome: (closed: Bool, handOffs: [(CheckedContinuation<NetworkRequest?, Never>, NetworkRequest)]) =
                state.withLockedValue { state in
                    guard !state.closed else { return (true, []) }
                    state.receivers.append(continuation)
                    return (
                        false, Self.balance(&state, queueCapacity: queueCapacity, maxInProcessing: maxInProcessing)
                    )
                }
            if outcome.closed {
                continuation.resume(returning: nil)
                return
            }
            for (waiter, request) in outcome.handOffs { waiter.resume(returning: request) }
        }
    }

    /// A request handed out by ``receive()`` has been handled.
    func completed() {
        let handOffs = state.withLockedValue { state in
            state.counters.inProcessing -= 1
            return Self.balance(&state, queueCapacity: queueCapacity, maxInProcessing: maxInProcessing)
        }
        for (continuation, request) in handOffs { continuation.resume(returning: request) }
    }

    /// Stops the channel: waiting receivers get nil, queued and parked requests are dropped (their connections are
    /// being closed by the server). Returns how many requests were dropped.
    @discardableResult
    func close() -> Int {
        let (receivers, dropped) = state.withLockedValue { state in
            state.closed = true
            let receivers = Array(state.receivers)
            let dropped = state.queue.count + state.waitingForRoom.count
            state.receivers.removeAll()
            state.queue.removeAll()
            state.waitingForRoom.removeAll()
            state.counters.queued = 0
            state.counters.waitingForRoom = 0
            return (receivers, dropped)
        }
        for receiver in receivers { receiver.resume(returning: nil) }
        return dropped
    }

    var counters: Counters { state.withLockedValue { $0.counters } }

    /// Receivers suspended in `receive()` for want of a request or a processing slot (lets a test wait
    /// for a handler to block instead of sleeping).
    var receiversWaiting: Int { state.withLockedValue { $0.receivers.count } }

    /// Moves parked requests into the queue while it has room and pairs queued requests with waiting receivers
    /// while processing slots are free. Continuations are resumed by the caller, outside the lock.
    private static func balance(
        _ state: inout State,
        queueCapacity: Int,
        maxInProcessing: Int
    ) -> [(CheckedContinuation<NetworkRequest?, Never>, NetworkRequest)] {
        var handOffs: [(CheckedContinuation<NetworkRequest?, Never>, NetworkRequest)] = []
        while true {
            while state.queue.count < queueCapacity, let parked = state.waitingForRoom.popFirst() {
                state.queue.append(parked)
            }
            guard state.counters.inProcessing < maxInProcessing, !state.queue.isEmpty, !state.receivers.isEmpty
            else { break }
            let request = state.queue.removeFirst()
            let receiver = state.receivers.removeFirst()
            state.counters.inProcessing += 1
            handOffs.append((receiver, request))
        }
        var counters = state.counters
        counters.queued = state.queue.count
        counters.waitingForRoom = state.waitingForRoom.count
        counters.maxQueued = max(counters.maxQueued, counters.queued)
        counters.maxInProcessing = max(counters.maxInProcessing, counters.inProcessing)
        counters.maxOutstanding = max(
            counters.maxOutstanding, counters.queued + counters.waitingForRoom + counters.inProcessing)
        state.counters = counters
        return handOffs
    }
}
