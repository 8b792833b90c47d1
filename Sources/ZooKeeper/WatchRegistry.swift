import Synchronization

/// The Swift side of ZooKeeper's one-shot watches: which handlers wait on which path and kind.
///
/// The C client is asked to set watches with its *default* watcher, so it calls back once per
/// `(path, event)` with no per-watch context to keep alive or leak. This table then decides which
/// Swift handlers the event fires, and removes them: each handler runs exactly once.
final class WatchRegistry: Sendable {
    struct Key: Hashable {
        var path: String
        var kind: WatchKind
    }

    struct Registration: Hashable {
        var key: Key
        var id: UInt64
    }

    private struct State {
        var nextID: UInt64 = 0
        var handlers: [Key: [(id: UInt64, handler: WatchHandler)]] = [:]
        var isClosed = false
    }

    private let state = Mutex(State())

    /// Adds a handler before the request that sets the watch is sent, so an event cannot slip in
    /// between the reply and the registration.
    func register(path: String, kind: WatchKind, handler: @escaping WatchHandler) -> Registration {
        state.withLock { state in
            state.nextID += 1
            let key = Key(path: path, kind: kind)
            state.handlers[key, default: []].append((state.nextID, handler))
            return Registration(key: key, id: state.nextID)
        }
    }

    /// Withdraws a handler whose request failed without setting a watch.
    func cancel(_ registration: Registration) {
        state.withLock { state in
            state.handlers[registration.key]?.removeAll { $0.id == registration.id }
            if state.handlers[registration.key]?.isEmpty == true { state.handlers[registration.key] = nil }
        }
    }

    /// Removes and returns the handlers an event fires.
    func take(_ event: WatchEvent) -> [WatchHandler] {
        state.withLock { state in
            var fired: [WatchHandler] = []
            for kind in WatchKind.allCases.filter(WatchKind.triggered(by: event.type).contains) {
                if let entries = state.handlers.removeValue(forKey: Key(path: event.path, kind: kind)) {
                    fired += entries.map(\.handler)
                }
            }
            return fired
        }
    }

    /// Removes every handler, paired with its path (the session ended; none will fire).
    func takeAll() -> [(path: String, handler: WatchHandler)] {
        state.withLock { state in
            let all = state.handlers.flatMap { key, entries in entries.map { (key.path, $0.handler) } }
            state.handlers = [:]
            return all
        }
    }

    /// Number of handlers waiting (for tests and diagnostics).
    var count: Int { state.withLock { $0.handlers.values.reduce(0) { $0 + $1.count } } }
}
