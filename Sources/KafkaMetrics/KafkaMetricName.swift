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

    // MARK: - The MBeans ZKafka reports (Kafka 2.8)

    /// `kafka.controller:type=KafkaController,name=<name>`.
    public static func kafkaController(_ name: String) -> KafkaMetricName {
        KafkaMetricName(domain: "kafka.controller", type: "KafkaController", name: name)
    }

    /// `kafka.controller:type=ControllerEventManager,name=<name>` (`EventQueueSize`, `EventQueueTimeMs`).
    public static func controllerEventManager(_ name: String) -> KafkaMetricName {
        KafkaMetricName(domain: "kafka.controller", type: "ControllerEventManager", name: name)
    }

    /// `kafka.controller:type=ControllerStats,name=<name>` (`<State>RateAndTimeMs`, `UncleanLeaderElectionsPerSec`).
    public static func controllerStats(_ name: String) -> KafkaMetricName {
        KafkaMetricName(domain: "kafka.controller", type: "ControllerStats", name: name)
    }

    /// `kafka.server:type=ReplicaManager,name=<name>`.
    public static func replicaManager(_ name: String) -> KafkaMetricName {
        KafkaMetricName(domain: "kafka.server", type: "ReplicaManager", name: name)
    }

    /// `kafka.server:type=FetchSessionCache,name=<name>`.
    public static func fetchSessionCache(_ name: String) -> KafkaMetricName {
        KafkaMetricName(domain: "kafka.server", type: "FetchSessionCache", name: name)
    }

    /// `kafka.network:type=RequestMetrics,name=<name>,request=<api>` (the `request` key is a dimension).
    public static func requestMetrics(_ name: String) -> KafkaMetricName {
        KafkaMetricName(domain: "kafka.network", type: "RequestMetrics", name: name)
    }

    /// `kafka.network:type=RequestChannel,name=<name>` (`RequestQueueSize`).
    public static func requestChannel(_ name: String) -> KafkaMetricName {
        KafkaMetricName(domain: "kafka.network", type: "RequestChannel", name: name)
    }

    /// `kafka.log:type=LogCleaner,name=<name>` (`max-dirty-percent`, `cleaner-recopy-percent`, `max-clean-time-secs`).
    public static func logCleaner(_ name: String) -> KafkaMetricName {
        KafkaMetricName(domain: "kafka.log", type: "LogCleaner", name: name)
    }

    /// `kafka.coordinator.group:type=GroupMetadataManager,name=<name>` (`NumGroups`, `NumOffsets`, …).
    public static func groupMetadataManager(_ name: String) -> KafkaMetricName {
        KafkaMetricName(domain: "kafka.coordinator.group", type: "GroupMetadataManager", name: name)
    }
}
