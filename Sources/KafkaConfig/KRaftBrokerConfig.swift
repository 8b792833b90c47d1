/// A KRaft node with the broker role (Kafka 3.3's `KafkaConfig` as `BrokerServer` reads it): the
/// node's KRaft settings, the broker settings ZooKeeper mode's `BrokerConfig` already reads (log,
/// replication, groups, network, with the same defaults), and the broker lifecycle keys.
/// `broker.id` is `node.id`; there is no `zookeeper.connect`.
public struct KRaftBrokerConfig: Sendable, Equatable {
    public var kraft: KRaftConfig
    /// The data plane's settings. `zookeeperConnect` is empty: nothing in KRaft mode reads it.
    public var broker: BrokerConfig
    /// `broker.heartbeat.interval.ms` (2000): how often the broker heartbeats the active controller.
    public var heartbeatIntervalMs: Int64
    /// `initial.broker.registration.timeout.ms` (60000): how long the broker tries to register
    /// before giving up at startup (`BrokerLifecycleManager.initialTimeoutMs`).
    public var initialRegistrationTimeoutMs: Int64
    /// Supplied keys neither half uses, one warning each.
    public var warnings: [String]

    public var nodeID: Int32 { kraft.nodeID }

    public init(values: [String: String]) throws(ConfigError) {
        kraft = try KRaftConfig(values: values)
        guard kraft.isBroker else {
            throw .invalidValue(
                key: "process.roles", value: values["process.roles"] ?? "", reason: "this node has no broker role")
        }
        var brokerValues = values
        brokerValues["broker.id"] = "\(kraft.nodeID)"
        // BrokerConfig requires it; KRaft mode never connects to ZooKeeper (KRaftConfig refused a real one).
        brokerValues["zookeeper.connect"] = Self.noZooKeeper
        // A combined node's listeners include the controller listener: the broker serves the others.
        let controllerNames = Set(kraft.controllerListenerNames)
        let brokerListeners = kraft.listeners.filter { !controllerNames.contains($0.name) }
        brokerValues["listeners"] = brokerListeners.map(\.description).joined(separator: ",")
        if values["listener.security.protocol.map"] == nil {
            brokerValues["listener.security.protocol.map"] = kraft.listenerSecurityProtocolMap
                .sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
        }
        broker = try BrokerConfig(values: brokerValues)
        var reader = ConfigReader(values: values)
        heartbeatIntervalMs = try reader.int("broker.heartbeat.interval.ms", default: 2_000, in: 1...Int64(Int32.max))
        initialRegistrationTimeoutMs = try reader.int(
            "initial.broker.registration.timeout.ms", default: 60_000, in: 1...Int64(Int32.max))
        // A key is unknown only if no part reads it (the controller half of a combined node reads
        // broker.session.timeout.ms; a broker-only node accepts it silently).
        let own = reader.consulted.union(["broker.session.timeout.ms", "broker.id", "zookeeper.connect"])
        let brokerWarnings = Set(broker.warnings)
        warnings = kraft.warnings.filter { warning in
            brokerWarnings.contains(warning) && !own.contains(where: { warning.contains("'\($0)'") })
        }
    }

    /// Reads `path` and applies `overrides`.
    public static func load(path: String, overrides: [String] = []) throws(ConfigError) -> KRaftBrokerConfig {
        try KRaftBrokerConfig(values: ServerProperties.load(path: path, overrides: overrides))
    }

    static let noZooKeeper = "(none: KRaft mode)"
}
