/// What is running right now: each member's recorded pid checked against the process table, and
/// each live ZooKeeper server asked for its mode with `srvr`.
public struct ClusterStatus: Codable, Sendable, Equatable {
    public struct ZooKeeperServerStatus: Codable, Sendable, Equatable {
        public var id: Int
        public var clientPort: Int
        public var pid: Int32?
        public var mode: ZooKeeperServerMode
        /// The container, for a cluster in containers.
        public var container: String?
        /// For a running container: whether `cluster partition` cut it off the compose network.
        public var partitioned: Bool?

        public init(id: Int, clientPort: Int, pid: Int32?, mode: ZooKeeperServerMode) {
            self.id = id
            self.clientPort = clientPort
            self.pid = pid
            self.mode = mode
        }
    }

    public struct BrokerStatus: Codable, Sendable, Equatable {
        public var id: Int
        public var port: Int
        public var pid: Int32?
        /// `stopped` when the process is gone, whatever `cluster.json` recorded.
        public var state: MemberState
        public var container: String?
        public var partitioned: Bool?

        public init(id: Int, port: Int, pid: Int32?, state: MemberState) {
            self.id = id
            self.port = port
            self.pid = pid
            self.state = state
        }
    }

    public var directory: String
    public var connect: String
    public var zookeeper: [ZooKeeperServerStatus]
    public var brokers: [BrokerStatus]

    public init(directory: String, connect: String, zookeeper: [ZooKeeperServerStatus], brokers: [BrokerStatus]) {
        self.directory = directory
        self.connect = connect
        self.zookeeper = zookeeper
        self.brokers = brokers
    }

    /// ZooKeeper server id to mode.
    public var modes: [Int: ZooKeeperServerMode] {
        Dictionary(uniqueKeysWithValues: zookeeper.map { ($0.id, $0.mode) })
    }

    public func mode(ofZooKeeper id: Int) -> ZooKeeperServerMode? {
        zookeeper.first { $0.id == id }?.mode
    }

    /// Ids of servers that say they lead (more than one only in a split brain, which ZooKeeper prevents).
    public var leaderIDs: [Int] {
        zookeeper.filter { $0.mode == .leader || $0.mode == .standalone }.map(\.id)
    }

    /// Whether clients are served: a single standalone server, or exactly one leader.
    public var hasLeader: Bool { leaderIDs.count == 1 }

    /// Whether every server serves: one leader and all the others following, as `up` waits for.
    public var isFullyServing: Bool {
        hasLeader && zookeeper.allSatisfy(\.mode.isServing)
    }
}
