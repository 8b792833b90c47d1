import Synchronization
import ZooKeeper

/// Keeps at most one handler per watched znode and kind, as Kafka's `ZooKeeperClient` keeps one
/// handler per path. ZooKeeper sets one watch per (session, path, kind) however often a client
/// reads with a watch; without this every re-read would add another Swift handler and one change
/// would enqueue the same event many times.
///
/// Each arming carries a token. A handler forgets its key only while that key still holds its own
/// token, so a `.sessionEnded` delivery of an expired session's watch — which can arrive after the
/// new session armed the same key — never clears the new session's arming. Keys armed during an
/// event that then failed are forgotten (``disarmFailedEvent()``): a read that was to set a watch
/// may have failed, and a watch believed set but not set is never set again; a second handler for
/// a watch that was set costs at most one repeated, idempotent event.
final class WatchArming: Sendable {
    private struct State {
        var armed: [String: UInt64] = [:]
        var nextToken: UInt64 = 0
        /// Keys armed since the current event began, with their tokens.
        var armedThisEvent: [(key: String, token: UInt64)] = []
    }

    private let state = Mutex(State())

    /// A handler to pass with a read of `key`'s znode, or nil when a watch for it is already set.
    func handler(_ key: String, _ fire: @escaping WatchHandler) -> WatchHandler? {
        let token = state.withLock { state -> UInt64? in
            guard state.armed[key] == nil else { return nil }
            state.nextToken += 1
            state.armed[key] = state.nextToken
            state.armedThisEvent.append((key, state.nextToken))
            return state.nextToken
        }
        guard let token else { return nil }
        return { [self] event in
            state.withLock { if $0.armed[key] == token { $0.armed[key] = nil } }
            fire(event)
        }
    }

    /// Whether a watch on `key` is believed set (for tests and diagnostics).
    func isArmed(_ key: String) -> Bool { state.withLock { $0.armed[key] != nil } }

    /// A read that was meant to set the watch failed: forget it so the next read arms it again.
    func disarm(_ key: String) { state.withLock { _ = $0.armed.removeValue(forKey: key) } }

    /// The controller event thread starts an event.
    func beginEvent() { state.withLock { $0.armedThisEvent.removeAll(keepingCapacity: true) } }

    /// The event failed: forget every arming it made that is still current, so the next read sets it again.
    func disarmFailedEvent() {
        state.withLock { state in
            for (key, token) in state.armedThisEvent where state.armed[key] == token { state.armed[key] = nil }
            state.armedThisEvent.removeAll()
        }
    }

    /// The session ended: ZooKeeper dropped every watch.
    func reset() {
        state.withLock {
            $0.armed.removeAll()
            $0.armedThisEvent.removeAll()
        }
    }
}
