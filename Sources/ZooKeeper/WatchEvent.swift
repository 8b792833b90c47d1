/// A fired one-shot watch, delivered as a Swift value.
public struct WatchEvent: Sendable, Hashable, CustomStringConvertible {
    public enum EventType: Sendable, Hashable {
        /// The watched znode was created (an `exists` watch on a missing node).
        case nodeCreated
        /// The watched znode was deleted.
        case nodeDeleted
        /// The watched znode's data changed.
        case nodeDataChanged
        /// The watched znode's children changed.
        case nodeChildrenChanged
        /// The session ended (expired or closed) before the watch fired: it never will. This is the
        /// Java client's `(None, Expired)` delivered to every watcher, so each watch is still answered
        /// exactly once.
        case sessionEnded(SessionState)
    }

    public var type: EventType
    /// The watched path, relative to the chroot.
    public var path: String

    public init(type: EventType, path: String) {
        self.type = type
        self.path = path
    }

    public var description: String { "\(type) \(path)" }
}

/// Which kind of one-shot watch a read leaves (ZooKeeper keeps three tables of them).
public enum WatchKind: Sendable, Hashable, CaseIterable {
    /// Left by `getData`: fires on data change or deletion.
    case data
    /// Left by `exists`: fires on creation, data change or deletion.
    case exists
    /// Left by `getChildren`: fires on a child change or deletion of the node.
    case child

    /// The kinds of watch an event of `type` triggers (ZooKeeper's `ZKWatchManager.materialize`).
    public static func triggered(by type: WatchEvent.EventType) -> Set<WatchKind> {
        switch type {
        case .nodeCreated, .nodeDataChanged: [.data, .exists]
        case .nodeChildrenChanged: [.child]
        case .nodeDeleted, .sessionEnded: [.data, .exists, .child]
        }
    }

    /// Maps the C client's watch event type (`ZOO_CREATED_EVENT` ... `ZOO_CHILD_EVENT`).
    static func eventType(cType: Int32) -> WatchEvent.EventType? {
        switch cType {
        case 1: .nodeCreated
        case 2: .nodeDeleted
        case 3: .nodeDataChanged
        case 4: .nodeChildrenChanged
        default: nil
        }
    }
}

/// Called once when a watch fires. Runs on the client's event delivery queue, never on the C
/// library's thread, so it may call the client (and may block briefly) without deadlocking it.
public typealias WatchHandler = @Sendable (WatchEvent) -> Void
