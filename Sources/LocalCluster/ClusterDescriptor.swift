import Foundation

/// The Codable mirror of `DIR/cluster.json`: the contract between `zkafka cluster up` and every
/// script, test and benchmark that needs to find the cluster. Keys are stable; new keys may be added.
public struct ClusterDescriptor: Codable, Sendable, Equatable {
    /// `"zk"`: the metadata quorum is a ZooKeeper ensemble; `"kraft"`: a Raft quorum of controller
    /// processes (`controllers`), and `zookeeper` is empty. A file without the key is ZooKeeper mode.
    public var mode: String
    /// The absolute cluster directory.
    public var directory: String
    public var zookeeper: ZooKeeperEnsemble
    public var brokers: [Broker]
    /// KRaft mode's controller-only nodes (`process.roles=controller`), shaped like `brokers`; empty in ZooKeeper mode.
    public var controllers: [Controller]
    /// KRaft mode's cluster id (`zkafka storage format --cluster-id`); nil in ZooKeeper mode, whose
    /// brokers generate it in ZooKeeper.
    public var clusterID: String?
    /// Set when the cluster runs in containers (`zkafka cluster up --containers`): every member then
    /// has a `container` name and a null `pid`, and operations go through the container engine.
    public var containers: ContainerDeployment?

    public init(directory: String, zookeeper: ZooKeeperEnsemble, brokers: [Broker], containers: ContainerDeployment? = nil) {
        self.mode = ClusterMode.zookeeper.rawValue
        self.directory = directory
        self.zookeeper = zookeeper
        self.brokers = brokers
        self.controllers = []
        self.clusterID = nil
        self.containers = containers
    }

    /// A KRaft-mode cluster: no ZooKeeper servers, `controllers` form the metadata quorum.
    public init(directory: String, clusterID: String, controllers: [Controller], brokers: [Broker]) {
        self.mode = ClusterMode.kraft.rawValue
        self.directory = directory
        self.zookeeper = ZooKeeperEnsemble(servers: [])
        self.brokers = brokers
        self.controllers = controllers
        self.clusterID = clusterID
        self.containers = nil
    }

    /// nil for a mode this version does not know (the file was written by a newer zkafka).
    public var clusterMode: ClusterMode? { ClusterMode(rawValue: mode) }

    /// `controller.quorum.voters` of a KRaft cluster: `id@host:port,...`.
    public var quorumVoters: String {
        controllers.map { "\($0.id)@\($0.host):\($0.port)" }.joined(separator: ",")
    }

    enum CodingKeys: String, CodingKey {
        case mode, directory, zookeeper, brokers, controllers, clusterID, containers
    }

    // Files written before KRaft mode have neither `mode`'s kraft value nor `controllers`: they load as zk.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        mode = try container.decodeIfPresent(String.self, forKey: .mode) ?? ClusterMode.zookeeper.rawValue
        directory = try container.decode(String.self, forKey: .directory)
        zookeeper = try container.decodeIfPresent(ZooKeeperEnsemble.self, forKey: .zookeeper) ?? ZooKeeperEnsemble(servers: [])
        brokers = try container.decodeIfPresent([Broker].self, forKey: .brokers) ?? []
        controllers = try container.decodeIfPresent([Controller].self, forKey: .controllers) ?? []
        clusterID = try container.decodeIfPresent(String.self, forKey: .clusterID)
        containers = try container.decodeIfPresent(ContainerDeployment.self, forKey: .containers)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mode, forKey: .mode)
        try container.encode(directory, forKey: .directory)
        try container.encode(zookeeper, forKey: .zookeeper)
        try container.encode(brokers, forKey: .brokers)
        // ZooKeeper-mode files keep exactly their old keys.
        if clusterMode == .kraft {
            try container.encode(controllers, forKey: .controllers)
            try container.encode(clusterID, forKey: .clusterID)
        }
        // Process-mode files stay exactly as they were (no `containers` key).
        try container.encodeIfPresent(containers, forKey: .containers)
    }

    /// A KRaft controller has the same fields as a broker: id, host, its controller listener's port,
    /// pid, state, `server.properties`, log dir and process log.
    public typealias Controller = Broker

    public struct ZooKeeperEnsemble: Codable, Sendable, Equatable {
        /// The client connect string, `127.0.0.1:P1,127.0.0.1:P2,...`.
        public var connect: String
        public var servers: [ZooKeeperServer]

        public init(servers: [ZooKeeperServer]) {
            self.connect = servers.map { "\($0.host):\($0.clientPort)" }.joined(separator: ",")
            self.servers = servers
        }
    }

    public struct ZooKeeperServer: Codable, Sendable, Equatable {
        public var id: Int
        public var host: String
        public var clientPort: Int
        public var quorumPort: Int
        public var electionPort: Int
        /// null while the server is stopped.
        public var pid: Int32?
        public var state: MemberState
        public var config: String
        public var dataDir: String
        public var log: String
        /// The container's name when the cluster runs in containers (then `pid` is null).
        public var container: String?
        /// Whether `cluster partition` disconnected the container from the compose network.
        public var partitioned: Bool?

        public init(
            id: Int, host: String, clientPort: Int, quorumPort: Int, electionPort: Int,
            pid: Int32?, state: MemberState, config: String, dataDir: String, log: String,
            container: String? = nil
        ) {
            self.container = container
            self.id = id
            self.host = host
            self.clientPort = clientPort
            self.quorumPort = quorumPort
            self.electionPort = electionPort
            self.pid = pid
            self.state = state
            self.config = config
            self.dataDir = dataDir
            self.log = log
        }

        // Written by hand so a stopped server says `"pid": null` instead of dropping the key.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(host, forKey: .host)
            try container.encode(clientPort, forKey: .clientPort)
            try container.encode(quorumPort, forKey: .quorumPort)
            try container.encode(electionPort, forKey: .electionPort)
            try container.encode(pid, forKey: .pid)
            try container.encode(state, forKey: .state)
            try container.encode(config, forKey: .config)
            try container.encode(dataDir, forKey: .dataDir)
            try container.encode(log, forKey: .log)
            try container.encodeIfPresent(self.container, forKey: .container)
            try container.encodeIfPresent(partitioned, forKey: .partitioned)
        }
    }

    public struct Broker: Codable, Sendable, Equatable {
        public var id: Int
        public var host: String
        public var port: Int
        /// null while the broker is stopped.
        public var pid: Int32?
        public var state: MemberState
        /// `DIR/broker-ID/server.properties`.
        public var config: String
        /// `DIR/broker-ID/logs`: the broker's `log.dirs`, where partition data lives.
        public var logDir: String
        /// The broker process's own stdout and stderr.
        public var log: String
        /// The container's name when the cluster runs in containers (then `pid` is null).
        public var container: String?
        /// Whether `cluster partition` disconnected the container from the compose network.
        public var partitioned: Bool?

        public init(
            id: Int, host: String, port: Int, pid: Int32?, state: MemberState,
            config: String, logDir: String, log: String, container: String? = nil
        ) {
            self.container = container
            self.id = id
            self.host = host
            self.port = port
            self.pid = pid
            self.state = state
            self.config = config
            self.logDir = logDir
            self.log = log
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(host, forKey: .host)
            try container.encode(port, forKey: .port)
            try container.encode(pid, forKey: .pid)
            try container.encode(state, forKey: .state)
            try container.encode(config, forKey: .config)
            try container.encode(logDir, forKey: .logDir)
            try container.encode(log, forKey: .log)
            try container.encodeIfPresent(self.container, forKey: .container)
            try container.encodeIfPresent(partitioned, forKey: .partitioned)
        }
    }
}

extension ClusterDescriptor {
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public init(jsonData: Data) throws {
        self = try JSONDecoder().decode(ClusterDescriptor.self, from: jsonData)
    }

    /// Reads `path`, or returns nil when there is no such file.
    static func read(from path: String) throws -> ClusterDescriptor? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return try ClusterDescriptor(jsonData: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw LocalClusterError(.fileSystem, "cannot read \(path): \(error)")
        }
    }

    /// Writes to a temporary file beside `path` and renames it over `path`, so a reader never
    /// sees a half-written descriptor.
    func write(to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        do {
            var data = try jsonData()
            data.append(0x0A)
            try data.write(to: URL(fileURLWithPath: temporary))
        } catch {
            throw LocalClusterError(.fileSystem, "cannot write \(temporary): \(error)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw LocalClusterError(.fileSystem, "cannot rename \(temporary) to \(path): \(reason)")
        }
    }

    /// Every member that has a recorded process, with its pid.
    var recordedProcesses: [(member: ClusterMember, pid: Int32)] {
        zookeeper.servers.compactMap { server in server.pid.map { (.zookeeper(server.id), $0) } }
            + controllers.compactMap { controller in controller.pid.map { (.controller(controller.id), $0) } }
            + brokers.compactMap { broker in broker.pid.map { (.broker(broker.id), $0) } }
    }

    mutating func record(_ member: ClusterMember, pid: Int32?, state: MemberState) {
        switch member {
        case .zookeeper(let id):
            guard let index = zookeeper.servers.firstIndex(where: { $0.id == id }) else { return }
            zookeeper.servers[index].pid = pid
            zookeeper.servers[index].state = state
        case .broker(let id):
            guard let index = brokers.firstIndex(where: { $0.id == id }) else { return }
            brokers[index].pid = pid
            brokers[index].state = state
        case .controller(let id):
            guard let index = controllers.firstIndex(where: { $0.id == id }) else { return }
            controllers[index].pid = pid
            controllers[index].state = state
        }
    }

    func recordedPID(of member: ClusterMember) throws -> Int32? {
        switch member {
        case .zookeeper(let id):
            guard let server = zookeeper.servers.first(where: { $0.id == id }) else { break }
            return server.pid
        case .broker(let id):
            guard let broker = brokers.first(where: { $0.id == id }) else { break }
            return broker.pid
        case .controller(let id):
            guard let controller = controllers.first(where: { $0.id == id }) else { break }
            return controller.pid
        }
        throw LocalClusterError(.unknownMember, "the cluster in \(directory) has no \(member)")
    }
}
