/// Kafka's metric names as the Prometheus JMX exporter renders its MBeans: the MBean
/// `kafka.controller:type=KafkaController,name=ActiveControllerCount` becomes
/// `kafka_controller_KafkaController_ActiveControllerCount` (domain dots and the hyphens of Kafka's
/// `KafkaMetrics`-style names become underscores; the case of `type` and `name` is kept). Other MBean keys
/// (`request=Produce`, `topic=…`) become labels, which callers pass as swift-metrics dimensions.
public struct KafkaMetricName: Sendable, Hashable, CustomStringConvertible {
    /// The MBean domain, e.g. `kafka.controller`, `kafka.server`, `kafka.coordinator.group`.
    public var domain: String
    /// The MBean `type`, e.g. `KafkaController`, `ReplicaManager`, `RequestMetrics`.
    public var type: String
    /// The MBean `name` (or a `KafkaMetrics` attribute such as `max-dirty-percent`).
    public var name: String

    public init(domain: String, type: String, name: String) {
        self.domain = domain
        self.type = type
        self.name = name
    }

    /// The Prometheus metric name, e.g. `kafka_server_ReplicaManager_UnderReplicatedPartitions`.
    public var prometheusName: String {
        [domain, type, name].joined(separator: "_").map { $0 == "." || $0 == "-" ? "_" : $0 }.map(String.init).joined()
    }

    public var description: String { prometheusName }

    // MARK: - The MBeans ZKafka reports (Kafka 2.8), each a function of the MBean's `name`

    private static func mbean(_ domain: String, _ type: String) -> @Sendable (String) -> KafkaMetricName {
        { KafkaMetricName(domain: domain, type: type, name: $0) }
    }

    /// `kafka.controller:type=KafkaController,name=…` (`ActiveControllerCount`, `OfflinePartitionsCount`, …).
    public static let kafkaController = mbean("kafka.controller", "KafkaController")
    /// `kafka.controller:type=ControllerEventManager,name=…` (`EventQueueSize`, `EventQueueTimeMs`).
    public static let controllerEventManager = mbean("kafka.controller", "ControllerEventManager")
    /// `kafka.controller:type=ControllerStats,name=…` (`<State>RateAndTimeMs`, `UncleanLeaderElectionsPerSec`).
    public static let controllerStats = mbean("kafka.controller", "ControllerStats")
    /// `kafka.server:type=ReplicaManager,name=…`.
    public static let replicaManager = mbean("kafka.server", "ReplicaManager")
    /// `kafka.server:type=FetchSessionCache,name=…`.
    public static let fetchSessionCache = mbean("kafka.server", "FetchSessionCache")
    /// `kafka.network:type=RequestMetrics,name=…,request=<api>` (the `request` key is a dimension).
    public static let requestMetrics = mbean("kafka.network", "RequestMetrics")
    /// `kafka.log:type=LogCleaner,name=…` (`max-dirty-percent`, `cleaner-recopy-percent`, `max-clean-time-secs`).
    public static let logCleaner = mbean("kafka.log", "LogCleaner")
    /// `kafka.coordinator.group:type=GroupMetadataManager,name=…` (`NumGroups`, `NumOffsets`, …).
    public static let groupMetadataManager = mbean("kafka.coordinator.group", "GroupMetadataManager")
}
