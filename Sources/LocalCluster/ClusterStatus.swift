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

    /// A KRaft controller: its process state and its own view of the quorum.
    public struct ControllerStatus: Codable, Sendable, Equatable {
        public var id: Int
        public var port: Int
        public var pid: Int32?
        public var quorum: KRaftQuorumRole
    }

    /// `zk` or `kraft`, as in `cluster.json`.
    public var mode: String
    public var directory: String
    /// `zookeeper.connect` in ZooKeeper mode, `controller.quorum.voters` in KRaft mode.
    public var connect: String
    public var zookeeper: [ZooKeeperServerStatus]
    public var controllers: [ControllerStatus]
    public var brokers: [BrokerStatus]

    public init(
        mode: String = ClusterMode.zookeeper.rawValue, directory: String, connect: String,
        zookeeper: [ZooKeeperServerStatus], controllers: [ControllerStatus] = [], brokers: [BrokerStatus]
    ) {
        self.mode = mode
        self.directory = directory
        self.connect = connect
        self.zookeeper = zookeeper
        self.controllers = controllers
        self.brokers = brokers
    }

    /// KRaft: ids of controllers that say they lead, each in its own view (two only while a paused
    /// old leader has not noticed a newer epoch).
    public var quorumLeaderIDs: [Int] { controllers.filter { $0.quorum.isLeader }.map(\.id) }

    /// KRaft: the leader of the newest epoch any controller reports, if one says it leads that epoch.
    public var activeControllerID: Int? {
        let epochs = controllers.compactMap(\.quorum.epoch)
        guard let newest = epochs.max() else { return nil }
        return controllers.first { $0.quorum.isLeader && $0.quorum.epoch == newest }?.id
    }

    /// KRaft: one leader, and every other running controller follows it in its epoch (what `up` waits for).
    public var isQuorumSettled: Bool {
        guard let leader = activeControllerID, let epoch = controllers.first(where: { $0.id == leader })?.quorum.epoch else {
            return false
        }
        return controllers.allSatisfy { controller in
            controller.id == leader || controller.quorum == .down
                || (controller.quorum.role == "follower" && controller.quorum.epoch == epoch && controller.quorum.leaderID == leader)
        }
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
