/// The state of a ZooKeeper session as the C client reports it (`ZOO_*_STATE`).
public enum SessionState: Sendable, Hashable, CustomStringConvertible {
    /// Looking for a server (initially, or after losing one: Kafka's "disconnected/suspended").
    case connecting
    /// TCP connected, session handshake in progress.
    case associating
    /// Connected with a live session.
    case connected
    /// Connected to a read-only server.
    case connectedReadOnly
    /// The server expired the session: ephemerals and watches are gone; open a new session.
    case expired
    /// Authentication failed; the handle is unusable.
    case authFailed
    /// The handle was closed by its owner.
    case closed

    /// Whether no request can ever succeed on this handle again.
    public var isTerminal: Bool { self == .expired || self == .authFailed || self == .closed }

    public var description: String {
        switch self {
        case .connecting: "connecting"
        case .associating: "associating"
        case .connected: "connected"
        case .connectedReadOnly: "connected (read-only)"
        case .expired: "expired"
        case .authFailed: "auth failed"
        case .closed: "closed"
        }
    }

    /// Maps a C `ZOO_*_STATE` value (the values are fixed by the C client's `zookeeper.c`).
    init(cState: Int32) {
        switch cState {
        case 3: self = .connected
        case 5: self = .connectedReadOnly
        case 2: self = .associating
        case -112: self = .expired
        case -113: self = .authFailed
        default: self = .connecting  // 0 (closed/initial), 1 (connecting), 999 (not connected)
        }
    }
}

/// A change of session state, published on ``ZooKeeperClient/sessionEvents()``.
public struct SessionEvent: Sendable, Hashable {
    public var state: SessionState
    public init(state: SessionState) { self.state = state }
}
