/// How a ``ZooKeeperClient`` connects. Defaults follow Kafka 2.8's broker settings.
public struct ZooKeeperConfiguration: Sendable {
    /// The ensemble and optional chroot (Kafka's `zookeeper.connect`).
    public var connectString: ConnectString
    /// Session timeout in milliseconds (Kafka's `zookeeper.session.timeout.ms`, 18000 in 2.8). The
    /// server negotiates it into [2, 20] ticks.
    public var sessionTimeoutMilliseconds: Int
    /// Requests in flight at once before callers wait (Kafka's `zookeeper.max.in.flight.requests`, 10).
    public var maxInFlightRequests: Int
    /// Requests in flight at once for bulk work run inside ``ZooKeeperClient/withBulkWindow(_:)`` (the
    /// controller's pipelined partition-state reads and fenced multis), in a window of their own beside
    /// `maxInFlightRequests`. Kafka 2.8 shares its window of 10 with them; at 100,000 partitions that caps
    /// a failover far below the ensemble's pipelined rate (issue 14), so this is a deliberate difference.
    public var bulkInFlightRequests: Int
    /// Resume an existing session instead of creating one (its id and 16-byte password).
    public var session: SessionCredentials?
    /// The C client's own log verbosity; its lines are routed to swift-log (`zookeeper.c`).
    public var cLibraryLogLevel: CLibraryLogLevel

    public init(
        connectString: ConnectString,
        sessionTimeoutMilliseconds: Int = 18_000,
        maxInFlightRequests: Int = 10,
        bulkInFlightRequests: Int = 100,
        session: SessionCredentials? = nil,
        cLibraryLogLevel: CLibraryLogLevel = .warn
    ) {
        self.connectString = connectString
        self.sessionTimeoutMilliseconds = sessionTimeoutMilliseconds
        self.maxInFlightRequests = maxInFlightRequests
        self.bulkInFlightRequests = bulkInFlightRequests
        self.session = session
        self.cLibraryLogLevel = cLibraryLogLevel
    }

    /// Parses `connect` as a connect string; see ``ConnectString/init(parsing:)``.
    public init(connect: String, sessionTimeoutMilliseconds: Int = 18_000, maxInFlightRequests: Int = 10) throws {
        self.init(
            connectString: try ConnectString(parsing: connect),
            sessionTimeoutMilliseconds: sessionTimeoutMilliseconds,
            maxInFlightRequests: maxInFlightRequests)
    }

    /// The C client's log levels (`ZooLogLevel`).
    public enum CLibraryLogLevel: Int32, Sendable {
        case error = 1, warn = 2, info = 3, debug = 4
    }
}

/// A session's identity: enough to reattach to it from another handle (`clientid_t`).
public struct SessionCredentials: Sendable, Hashable {
    public var sessionID: Int64
    /// The 16-byte session password the server issued.
    public var password: [UInt8]
    public init(sessionID: Int64, password: [UInt8]) {
        self.sessionID = sessionID
        self.password = password
    }
}
