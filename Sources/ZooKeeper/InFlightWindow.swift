import Synchronization

/// Bounds the requests in flight on one session, like Kafka's `zookeeper.max.in.flight.requests`
/// semaphore in `ZooKeeperClient`: callers beyond the window wait (back-pressure) instead of
/// queueing without limit inside the C client.
final class InFlightWindow: Sendable {
    private struct State {
        var available: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
        var head = 0
        var highWaterMark = 0
    }

    private let state: Mutex<State>
    let capacity: Int

    init(capacity: Int) {
        precondition(capacity > 0, "in-flight window must be positive, got \(capacity)")
        self.capacity = capacity
        self.state = Mutex(State(available: capacity))
    }

    /// Waits for a slot. Waiters are served in arrival order.
    func acquire() async {
        let acquired = state.withLock { state -> Bool in
            guard state.available > 0 else { return false }
            state.available -= 1
            state.highWaterMark = max(state.highWaterMark, self.capacity - state.available)
            return true
        }
        if acquired { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                // A slot may have been released between the check above and now.
                if state.available > 0 {
                    state.available -= 1
                    state.highWaterMark = max(state.highWaterMark, self.capacity - state.available)
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Returns a slot, handing it straight to the oldest waiter if there is one. Safe from any thread,
    /// including the C client's completion thread.
    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.head < state.waiters.count {
                let waiter = state.waiters[state.head]
                state.head += 1
                if state.head > 64, state.head * 2 > state.waiters.count {
                    state.waiters.removeFirst(state.head)
                    state.head = 0
                }
                return waiter
            }
            state.available += 1
            return nil
        }
        next?.resume()
    }

    /// Callers waiting for a slot (for tests and diagnostics).
    var waitingCount: Int { state.withLock { $0.waiters.count - $0.head } }

    /// The most requests ever in flight at once (for tests and diagnostics). A slot handed straight
    /// from a releasing request to a waiter keeps the count unchanged, so it is not re-measured then.
    var highWaterMark: Int { state.withLock { $0.highWaterMark } }

    /// Slots currently free (for tests and diagnostics).
    var available: Int { state.withLock { $0.available } }
}
