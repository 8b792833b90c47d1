/// A ZooKeeper server's role as `cluster status` reports it: the `Mode:` line of the `srvr`
/// four-letter word while the server serves, otherwise what the process table says.
public enum ZooKeeperServerMode: String, Codable, Sendable {
    case leader
    case follower
    case observer
    case standalone
    /// The process runs but `srvr` answers no mode (electing a leader, or no quorum).
    case notServing = "not-serving"
    /// The process is stopped by SIGSTOP.
    case paused
    /// No process.
    case down

    /// Whether a client can use this server.
    public var isServing: Bool {
        switch self {
        case .leader, .follower, .observer, .standalone: true
        case .notServing, .paused, .down: false
        }
    }
}
