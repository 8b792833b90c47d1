import Synchronization
import ZooKeeper

/// Keeps at most one handler per watched znode and kind, as Kafka's `ZooKeeperClient` keeps one
/// handler per path. ZooKeeper sets one watch per (session, path, kind) however often a client
/// reads with a watch; without this every re-read would add another Swift handler and one change
/// would enqueue the same event many times.
final class WatchArming: Sendable {
    private let armed = Mutex<Set<String>>([])

    /// A handler to pass with a read of `key`'s znode, or nil when a watch for it is already set.
    func handler(_ key: String, _ fire: @escaping WatchHandler) -> WatchHandler? {
        let isNew = armed.withLock { $0.insert(key).inserted }
        guard isNew else { return nil }
        return { [self] event in
            armed.withLock { _ = $0.remove(key) }
            fire(event)
        }
    }

    /// A read that was meant to set the watch failed: forget it so the next read arms it again.
    func disarm(_ key: String) { armed.withLock { _ = $0.remove(key) } }

    /// The session ended: ZooKeeper dropped every watch.
    func reset() { armed.withLock { $0.removeAll() } }
}
