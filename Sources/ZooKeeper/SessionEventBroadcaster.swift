import Synchronization

/// Fans session state changes out to any number of `AsyncStream` subscribers, each of which first
/// sees the current state. Yielding never blocks, so it is safe on the C client's thread.
final class SessionEventBroadcaster: Sendable {
    private struct State {
        var current: SessionState = .connecting
        var nextID = 0
        var subscribers: [Int: AsyncStream<SessionEvent>.Continuation] = [:]
        var isFinished = false
    }

    private let state = Mutex(State())

    var current: SessionState { state.withLock { $0.current } }

    /// A new subscription. Session changes are rare, so a small newest-first buffer is plenty.
    func subscribe() -> AsyncStream<SessionEvent> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: SessionEvent.self, bufferingPolicy: .bufferingNewest(64))
        let finishedAlready = state.withLock { state -> Bool in
            continuation.yield(SessionEvent(state: state.current))
            if state.isFinished { return true }
            let id = state.nextID
            state.nextID += 1
            state.subscribers[id] = continuation
            continuation.onTermination = { [weak self] _ in
                self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
            }
            return false
        }
        if finishedAlready { continuation.finish() }
        return stream
    }

    /// Records and publishes a new state; a terminal state also ends every subscription. Returns
    /// false when the state did not change (repeat events are not republished).
    @discardableResult
    func publish(_ newState: SessionState) -> Bool {
        let (changed, subscribers, finish) = state.withLock {
            state -> (Bool, [AsyncStream<SessionEvent>.Continuation], Bool) in
            guard !state.isFinished, state.current != newState else { return (false, [], false) }
            state.current = newState
            let subscribers = Array(state.subscribers.values)
            if newState.isTerminal {
                state.isFinished = true
                state.subscribers = [:]
            }
            return (true, subscribers, newState.isTerminal)
        }
        for subscriber in subscribers {
            subscriber.yield(SessionEvent(state: newState))
            if finish { subscriber.finish() }
        }
        return changed
    }
}
