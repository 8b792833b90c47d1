/// A KRaft node's configuration: the Kafka 3.3 `KafkaConfig` keys a node with `process.roles` uses
/// (`KafkaRaftServer`, `RaftConfig`), with Kafka 3.3's defaults and `validateValues` rules. The
/// ZooKeeper-mode broker keeps using `BrokerConfig`; `ServerProperties.isKRaft` picks between them.
public struct KRaftConfig: Sendable, Equatable {
    // MARK: Identity and roles
    /// `process.roles`: broker, controller, or both (combined mode).
    public var processRoles: Set<ProcessRole>
    /// `node.id`: required in KRaft mode (Kafka has no id generation there).
    public var nodeID: Int32

    // MARK: Quorum (RaftConfig)
    /// `controller.quorum.voters`, in the order given.
    public var quorumVoters: [QuorumVoter]
    public var electionTimeoutMs: Int64
    public var fetchTimeoutMs: Int64
    public var electionBackoffMaxMs: Int64
    public var requestTimeoutMs: Int64
    public var retryBackoffMs: Int64
    public var appendLingerMs: Int64

    // MARK: Listeners
    public var listeners: [Listener]
    /// `controller.listener.names`: the first is the one controllers bind for quorum traffic.
    public var controllerListenerNames: [String]
    public var listenerSecurityProtocolMap: [String: String]

    // MARK: Storage
    /// `log.dirs` (or `log.dir`).
    public var logDirs: [String]
    /// `metadata.log.dir`, or else the first log dir (`KafkaConfig.metadataLogDir`).
    public var metadataLogDir: String

    // MARK: Quorum controller (QuorumController, BrokerHeartbeatManager, SnapshotGenerator)
    /// `broker.heartbeat.interval.ms` (2000): how often a broker heartbeats the active controller.
    public var brokerHeartbeatIntervalMs: Int64
    /// `broker.session.timeout.ms` (9000): a broker without a heartbeat for this long is fenced.
    public var brokerSessionTimeoutMs: Int64
    /// `metadata.log.max.record.bytes.between.snapshots` (20 MiB): a controller writes a metadata snapshot
    /// once this many record bytes were committed since the last one (KIP-630).
    public var metadataMaxBytesBetweenSnapshots: Int64
    /// `default.replication.factor` (1) and `num.partitions` (1): CreateTopics' -1 defaults.
    public var defaultReplicationFactor: Int16
    public var numPartitions: Int32
    /// `unclean.leader.election.enable` (false).
    public var uncleanLeaderElectionEnable: Bool
    /// ZKafka's own `zkafka.metrics.port`, as on ZooKeeper-mode brokers: the HTTP `/metrics` port, none when unset.
    public var metricsPort: Int?

    /// Supplied keys this configuration does not use, one warning each.
    public var warnings: [String]

    public var isController: Bool { processRoles.contains(.controller) }
    public var isBroker: Bool { processRoles.contains(.broker) }

    /// The listener this node serves quorum RPCs on (controllers only).
    public var controllerListener: Listener? {
        controllerListenerNames.first.flatMap { name in listeners.first { $0.name == name } }
    }

    /// Every directory `kafka-storage format` writes `meta.properties` into: the log dirs plus the
    /// metadata log dir, sorted and without duplicates (`StorageTool.configToLogDirectories`).
    public var storageDirectories: [String] { Set(logDirs + [metadataLogDir]).sorted() }

    public init(values: [String: String]) throws(ConfigError) {
        var reader = ConfigReader(values: values)
        processRoles = try ProcessRole.parseList(try reader.required("process.roles"))
        guard !processRoles.isEmpty else {
            throw .invalidValue(key: "process.roles", value: values["process.roles"] ?? "", reason: "no role given")
        }
        if let zookeeper = reader.text("zookeeper.connect") {
            throw .invalidValue(
                key: "zookeeper.connect", value: zookeeper,
                reason: "a node with process.roles runs in KRaft mode and must not set zookeeper.connect; remove one of the two")
        }
        guard let nodeID: Int32 = try reader.optionalInt("node.id", in: 0...Int32.max) else {
            throw .missing(key: "node.id")
        }
        self.nodeID = nodeID
        if let brokerID: Int32 = try reader.optionalInt("broker.id", in: -1...Int32.max), brokerID != -1, brokerID != nodeID {
            // KafkaConfig.validateValues: "You must set `node.id` to the same value as `broker.id`."
            throw .invalidValue(key: "broker.id", value: "\(brokerID)", reason: "You must set `node.id` to the same value as `broker.id`.")
        }

        let votersText = reader.string("controller.quorum.voters", default: "")
        quorumVoters = try QuorumVoter.parseList(votersText)
        guard !quorumVoters.isEmpty else {
            throw .invalidValue(
                key: "controller.quorum.voters", value: votersText,
                reason: "If using process.roles, controller.quorum.voters must contain a parseable set of voters.")
        }
        electionTimeoutMs = try reader.int("controller.quorum.election.timeout.ms", default: 1_000, in: 1...Int64(Int32.max))
        fetchTimeoutMs = try reader.int("controller.quorum.fetch.timeout.ms", default: 2_000, in: 1...Int64(Int32.max))
        electionBackoffMaxMs = try reader.int("controller.quorum.election.backoff.max.ms", default: 1_000, in: 1...Int64(Int32.max))
        requestTimeoutMs = try reader.int("controller.quorum.request.timeout.ms", default: 2_000, in: 1...Int64(Int32.max))
        retryBackoffMs = try reader.int("controller.quorum.retry.backoff.ms", default: 20, in: 0...Int64(Int32.max))
        appendLingerMs = try reader.int("controller.quorum.append.linger.ms", default: 25, in: 0...Int64(Int32.max))

        controllerListenerNames = reader.list("controller.listener.names")?.map { $0.uppercased() } ?? []
        // Kafka 3.3's effectiveListenerSecurityProtocolMap: without an explicit map, controller
        // listener names that are not security protocols themselves default to PLAINTEXT.
        var protocolMap = ["PLAINTEXT": "PLAINTEXT", "SSL": "SSL", "SASL_PLAINTEXT": "SASL_PLAINTEXT", "SASL_SSL": "SASL_SSL"]
        if let mapText = reader.text("listener.security.protocol.map") {
            protocolMap = try Self.parseProtocolMap(mapText)
        } else {
            for name in controllerListenerNames where protocolMap[name] == nil { protocolMap[name] = "PLAINTEXT" }
        }
        listenerSecurityProtocolMap = protocolMap
        let listenersText = reader.string("listeners", default: "PLAINTEXT://:9092")
        listeners = try Listener.parseList(listenersText, key: "listeners", protocolMap: protocolMap)
        for listener in listeners where listener.securityProtocol != "PLAINTEXT" {
            throw .invalidValue(
                key: "listeners", value: listenersText,
                reason: "listener \(listener.name) uses \(listener.securityProtocol); ZKafka implements PLAINTEXT only")
        }
        brokerHeartbeatIntervalMs = try reader.int("broker.heartbeat.interval.ms", default: 2_000, in: 1...Int64(Int32.max))
        brokerSessionTimeoutMs = try reader.int("broker.session.timeout.ms", default: 9_000, in: 1...Int64(Int32.max))
        metadataMaxBytesBetweenSnapshots = try reader.int(
            "metadata.log.max.record.bytes.between.snapshots", default: 20 * 1024 * 1024, in: 1...Int64.max)
        defaultReplicationFactor = try reader.int("default.replication.factor", default: 1, in: 1...Int16.max)
        numPartitions = try reader.int("num.partitions", default: 1, in: 1...Int32.max)
        uncleanLeaderElectionEnable = try reader.bool("unclean.leader.election.enable", default: false)
        metricsPort = try reader.optionalInt("zkafka.metrics.port", in: 0...65_535)
        logDirs = reader.list("log.dirs") ?? reader.list("log.dir") ?? ["/tmp/kafka-logs"]
        metadataLogDir = reader.text("metadata.log.dir") ?? logDirs[0]

        try Self.validateRoles(
            roles: processRoles, nodeID: nodeID, voters: quorumVoters, votersText: votersText,
            controllerListenerNames: controllerListenerNames, listeners: listeners, listenersText: listenersText)
        warnings = BrokerConfig.warnings(supplied: Set(values.keys), consulted: reader.consulted)
    }

    /// Reads `path` and applies `overrides`.
    public static func load(path: String, overrides: [String] = []) throws(ConfigError) -> KRaftConfig {
        try KRaftConfig(values: ServerProperties.load(path: path, overrides: overrides))
    }

    /// Kafka 3.3 `KafkaConfig.validateValues`, the process-roles part, with its messages.
    private static func validateRoles(
        roles: Set<ProcessRole>, nodeID: Int32, voters: [QuorumVoter], votersText: String,
        controllerListenerNames: [String], listeners: [Listener], listenersText: String
    ) throws(ConfigError) {
        let voterIDs = "{\(voters.map { String($0.id) }.joined(separator: ","))}"
        let listenerNames = Set(listeners.map(\.name))
        let names = controllerListenerNames.joined(separator: ",")
        if roles.contains(.controller) {
            guard voters.contains(where: { $0.id == nodeID }) else {
                throw .invalidValue(
                    key: "controller.quorum.voters", value: votersText,
                    reason: "If process.roles contains the 'controller' role, the node id \(nodeID) must be included in the set of voters controller.quorum.voters=\(voterIDs)")
            }
            guard let first = controllerListenerNames.first, listenerNames.contains(first) else {
                throw .invalidValue(
                    key: "controller.listener.names", value: names,
                    reason: "controller.listener.names must contain at least one value appearing in the 'listeners' configuration when running the KRaft controller role")
            }
        } else {
            guard !voters.contains(where: { $0.id == nodeID }) else {
                throw .invalidValue(
                    key: "controller.quorum.voters", value: votersText,
                    reason: "If process.roles contains just the 'broker' role, the node id \(nodeID) must not be included in the set of voters controller.quorum.voters=\(voterIDs)")
            }
            guard !controllerListenerNames.isEmpty else {
                throw .invalidValue(
                    key: "controller.listener.names", value: "",
                    reason: "controller.listener.names must contain at least one value when running KRaft with just the broker role")
            }
            if let clash = controllerListenerNames.first(where: listenerNames.contains) {
                throw .invalidValue(
                    key: "listeners", value: listenersText,
                    reason: "controller.listener.names must not contain a value appearing in the 'listeners' configuration when running KRaft with just the broker role (\(clash))")
            }
        }
        if roles == [.controller] {
            let others = listeners.map(\.name).filter { !controllerListenerNames.contains($0) }
            guard others.isEmpty else {
                throw .invalidValue(
                    key: "listeners", value: listenersText,
                    reason: "The listeners config must only contain KRaft controller listeners from controller.listener.names when process.roles=controller (\(others.joined(separator: ",")) is not one)")
            }
        }
    }

    private static func parseProtocolMap(_ text: String) throws(ConfigError) -> [String: String] {
        var protocolMap: [String: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: ":").map { String($0).trimmingCharacters() }
            guard parts.count == 2, !parts[0].isEmpty,
                ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"].contains(parts[1].uppercased())
            else {
                throw .invalidValue(
                    key: "listener.security.protocol.map", value: text,
                    reason: "'\(pair)' is not NAME:PROTOCOL with PROTOCOL one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL")
            }
            protocolMap[parts[0].uppercased()] = parts[1].uppercased()
        }
        return protocolMap
    }
}
