import Foundation

/// A broker's configuration: Kafka 2.8's `KafkaConfig` keys that ZKafka implements, with Kafka's
/// defaults. Built from `server.properties` plus `--override key=value` pairs.
public struct BrokerConfig: Sendable, Equatable {
    // MARK: Identity and listeners
    public var brokerID: Int32
    public var brokerRack: String?
    public var listeners: [Listener]
    public var advertisedListeners: [Listener]
    public var listenerSecurityProtocolMap: [String: String]
    public var interBrokerListenerName: String

    // MARK: ZooKeeper
    public var zookeeperConnect: String
    public var zookeeperSessionTimeoutMs: Int
    public var zookeeperConnectionTimeoutMs: Int
    public var zookeeperMaxInFlightRequests: Int

    // MARK: Network (Reactor)
    public var numNetworkThreads: Int
    public var numIOThreads: Int
    public var queuedMaxRequests: Int
    public var socketRequestMaxBytes: Int
    public var socketSendBufferBytes: Int
    public var socketReceiveBufferBytes: Int
    public var connectionsMaxIdleMs: Int64

    // MARK: Topics and replication
    public var numPartitions: Int32
    public var defaultReplicationFactor: Int16
    public var minInsyncReplicas: Int
    public var autoCreateTopicsEnable: Bool
    public var deleteTopicEnable: Bool
    public var uncleanLeaderElectionEnable: Bool
    public var autoLeaderRebalanceEnable: Bool
    public var leaderImbalancePerBrokerPercentage: Int
    public var leaderImbalanceCheckIntervalSeconds: Int64
    public var controlledShutdownEnable: Bool
    public var controlledShutdownMaxRetries: Int
    public var controlledShutdownRetryBackoffMs: Int64
    public var controllerSocketTimeoutMs: Int
    /// `inter.broker.protocol.version` (default `2.8`, i.e. `2.8-IV1`): from `2.7-IV2` on, partition leaders send
    /// ISR changes to the controller as AlterIsr; before, they write the partition state znode themselves.
    public var interBrokerProtocolVersion: InterBrokerProtocolVersion = .latest
    public var replicaLagTimeMaxMs: Int64
    public var replicaFetchWaitMaxMs: Int
    public var replicaFetchMinBytes: Int
    public var replicaFetchMaxBytes: Int
    public var numReplicaFetchers: Int
    public var replicaHighWatermarkCheckpointIntervalMs: Int64
    public var messageMaxBytes: Int
    public var offsetsTopicReplicationFactor: Int16
    public var offsetsTopicNumPartitions: Int32
    public var groupInitialRebalanceDelayMs: Int
    /// The most partitions the cluster may hold, checked before a topic's replicas are placed (in the spirit of
    /// KIP-578's `max.partitions`, which Kafka 2.8 lacks): a CreateTopics asking for 2^31 - 1 partitions is refused
    /// at once instead of computing an assignment for two billion partitions.
    public var maxPartitions: Int
    /// `log.message.timestamp.type` (CreateTime or LogAppendTime) and `log.message.timestamp.difference.max.ms`:
    /// the topic defaults Kafka's `LogValidator` applies to produced batches.
    public var logMessageTimestampType: String
    public var logMessageTimestampDifferenceMaxMs: Int64
    public var groupMinSessionTimeoutMs: Int32
    public var groupMaxSessionTimeoutMs: Int32
    public var groupMaxSize: Int32
    public var offsetsRetentionMinutes: Int64
    public var offsetsRetentionCheckIntervalMs: Int64
    public var offsetMetadataMaxBytes: Int
    public var offsetsCommitTimeoutMs: Int32
    public var offsetsTopicSegmentBytes: Int32

    // MARK: Logs
    public var logDirs: [String]
    public var logSegmentBytes: Int
    public var logRollMs: Int64
    public var logRetentionMs: Int64
    public var logRetentionBytes: Int64
    public var logRetentionCheckIntervalMs: Int64
    public var logFlushIntervalMessages: Int64
    public var logFlushIntervalMs: Int64?
    public var logFlushSchedulerIntervalMs: Int64
    public var logFlushOffsetCheckpointIntervalMs: Int64
    public var logIndexIntervalBytes: Int
    public var logIndexSizeMaxBytes: Int
    public var logSegmentDeleteDelayMs: Int64
    /// `log.cleanup.policy` (delete): the default `cleanup.policy` of topics.
    public var logCleanupPolicy: String
    /// `log.cleaner.enable` (true).
    public var logCleanerEnable: Bool
    /// `log.cleaner.threads` (1).
    public var logCleanerThreads: Int
    /// `log.cleaner.backoff.ms` (15000).
    public var logCleanerBackoffMs: Int64
    /// `log.cleaner.dedupe.buffer.size` (128 MiB).
    public var logCleanerDedupeBufferSize: Int
    /// `log.cleaner.io.buffer.load.factor` (0.9).
    public var logCleanerIoBufferLoadFactor: Double
    /// `log.cleaner.delete.retention.ms` (1 day): default `delete.retention.ms`.
    public var logCleanerDeleteRetentionMs: Int64
    /// `log.cleaner.min.cleanable.ratio` (0.5): default `min.cleanable.dirty.ratio`.
    public var logCleanerMinCleanableRatio: Double
    /// `log.cleaner.min.compaction.lag.ms` (0): default `min.compaction.lag.ms`.
    public var logCleanerMinCompactionLagMs: Int64
    public var replicaFetchBackoffMs: Int64
    /// `replica.socket.timeout.ms`: how long a replica fetcher waits for a Fetch response before it
    /// drops the connection and reconnects (Kafka's `ReplicaFetcherBlockingSend`), so a fetch on a
    /// connection the network silently dropped does not wait forever.
    public var replicaSocketTimeoutMs: Int
    public var replicaFetchResponseMaxBytes: Int
    /// Fetch sessions (KIP-227) the broker keeps at most.
    public var maxIncrementalFetchSessionCacheSlots: Int
    /// ZKafka's own: the port of the HTTP `/metrics` endpoint (Prometheus text), none when unset;
    /// 0 picks a free port (logged at start-up).
    public var metricsPort: Int?

    /// Keys that were supplied but that Kafka 2.8 does not know, or that ZKafka ignores: one
    /// human-readable warning each, for the caller to log.
    public var warnings: [String]

    /// Builds the configuration from raw values, validating every supplied key it uses.
    public init(values: [String: String]) throws(ConfigError) {
        var reader = ConfigReader(values: values)
        brokerID = try reader.int("broker.id", default: -1, in: -1...Int32.max)
        guard brokerID >= 0 else {
            // Kafka would generate an id from /brokers/seqid (broker.id.generation.enable); ZKafka
            // asks for an explicit one so that local clusters and traces have stable ids.
            throw .missing(key: "broker.id")
        }
        brokerRack = reader.text("broker.rack")

        let protocolMapText = reader.string(
            "listener.security.protocol.map",
            default: "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL")
        var protocolMap: [String: String] = [:]
        for pair in protocolMapText.split(separator: ",") {
            let parts = pair.split(separator: ":").map { String($0).trimmingCharacters() }
            guard parts.count == 2, !parts[0].isEmpty,
                ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"].contains(parts[1].uppercased())
            else {
                throw .invalidValue(
                    key: "listener.security.protocol.map", value: protocolMapText,
                    reason: "'\(pair)' is not NAME:PROTOCOL with PROTOCOL one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL")
            }
            protocolMap[parts[0].uppercased()] = parts[1].uppercased()
        }
        listenerSecurityProtocolMap = protocolMap
        let listenersText = reader.string("listeners", default: "PLAINTEXT://:9092")
        listeners = try Listener.parseList(listenersText, key: "listeners", protocolMap: protocolMap)
        if let advertised = reader.text("advertised.listeners") {
            advertisedListeners = try Listener.parseList(advertised, key: "advertised.listeners", protocolMap: protocolMap)
        } else {
            advertisedListeners = listeners
        }
        for listener in listeners where listener.securityProtocol != "PLAINTEXT" {
            throw .invalidValue(
                key: "listeners", value: listenersText,
                reason: "listener \(listener.name) uses \(listener.securityProtocol); ZKafka implements PLAINTEXT only")
        }
        let listenerNames = Set(listeners.map(\.name))
        for advertised in advertisedListeners where !listenerNames.contains(advertised.name) {
            throw .invalidValue(
                key: "advertised.listeners", value: advertisedListeners.map(\.description).joined(separator: ","),
                reason: "listener \(advertised.name) is advertised but not in listeners")
        }
        let interBroker = reader.text("inter.broker.listener.name")?.uppercased() ?? listeners[0].name
        guard listeners.contains(where: { $0.name == interBroker }) else {
            throw .invalidValue(key: "inter.broker.listener.name", value: interBroker, reason: "not one of the listeners")
        }
        interBrokerListenerName = interBroker
        let protocolVersion = reader.string("inter.broker.protocol.version", default: InterBrokerProtocolVersion.latest.version)
        guard let parsedProtocolVersion = InterBrokerProtocolVersion.parse(protocolVersion) else {
            throw .invalidValue(
                key: "inter.broker.protocol.version", value: protocolVersion,
                reason: "not a Kafka 2.8 inter-broker protocol version (0.8.0 ... 2.8, e.g. 2.6, 2.7-IV1, 2.8-IV1)")
        }
        interBrokerProtocolVersion = parsedProtocolVersion

        zookeeperConnect = try reader.required("zookeeper.connect")
        zookeeperSessionTimeoutMs = try reader.int("zookeeper.session.timeout.ms", default: 18_000, in: 1...Int(Int32.max))
        zookeeperConnectionTimeoutMs = try reader.optionalInt("zookeeper.connection.timeout.ms", in: 1...Int(Int32.max))
            ?? zookeeperSessionTimeoutMs
        zookeeperMaxInFlightRequests = try reader.int("zookeeper.max.in.flight.requests", default: 10, in: 1...Int(Int32.max))

        numNetworkThreads = try reader.int("num.network.threads", default: 3, in: 1...1024)
        numIOThreads = try reader.int("num.io.threads", default: 8, in: 1...1024)
        queuedMaxRequests = try reader.int("queued.max.requests", default: 500, in: 1...Int(Int32.max))
        socketRequestMaxBytes = try reader.int("socket.request.max.bytes", default: 104_857_600, in: 1...Int(Int32.max))
        socketSendBufferBytes = try reader.int("socket.send.buffer.bytes", default: 102_400, in: -1...Int(Int32.max))
        socketReceiveBufferBytes = try reader.int("socket.receive.buffer.bytes", default: 102_400, in: -1...Int(Int32.max))
        connectionsMaxIdleMs = try reader.int("connections.max.idle.ms", default: 600_000, in: -1...Int64.max)

        numPartitions = try reader.int("num.partitions", default: 1, in: 1...Int32.max)
        defaultReplicationFactor = try reader.int("default.replication.factor", default: 1, in: 1...Int16.max)
        minInsyncReplicas = try reader.int("min.insync.replicas", default: 1, in: 1...Int(Int32.max))
        autoCreateTopicsEnable = try reader.bool("auto.create.topics.enable", default: true)
        deleteTopicEnable = try reader.bool("delete.topic.enable", default: true)
        uncleanLeaderElectionEnable = try reader.bool("unclean.leader.election.enable", default: false)
        autoLeaderRebalanceEnable = try reader.bool("auto.leader.rebalance.enable", default: true)
        leaderImbalancePerBrokerPercentage = try reader.int("leader.imbalance.per.broker.percentage", default: 10, in: 0...100)
        leaderImbalanceCheckIntervalSeconds = try reader.int("leader.imbalance.check.interval.seconds", default: 300, in: 1...Int64.max)
        controlledShutdownEnable = try reader.bool("controlled.shutdown.enable", default: true)
        controlledShutdownMaxRetries = try reader.int("controlled.shutdown.max.retries", default: 3, in: 0...Int(Int32.max))
        controlledShutdownRetryBackoffMs = try reader.int("controlled.shutdown.retry.backoff.ms", default: 5_000, in: 0...Int64.max)
        controllerSocketTimeoutMs = try reader.int("controller.socket.timeout.ms", default: 30_000, in: 0...Int(Int32.max))
        replicaLagTimeMaxMs = try reader.int("replica.lag.time.max.ms", default: 30_000, in: 1...Int64.max)
        replicaFetchWaitMaxMs = try reader.int("replica.fetch.wait.max.ms", default: 500, in: 0...Int(Int32.max))
        replicaFetchMinBytes = try reader.int("replica.fetch.min.bytes", default: 1, in: 0...Int(Int32.max))
        replicaFetchMaxBytes = try reader.int("replica.fetch.max.bytes", default: 1_048_576, in: 0...Int(Int32.max))
        numReplicaFetchers = try reader.int("num.replica.fetchers", default: 1, in: 1...1024)
        replicaHighWatermarkCheckpointIntervalMs = try reader.int(
            "replica.high.watermark.checkpoint.interval.ms", default: 5_000, in: 1...Int64.max)
        messageMaxBytes = try reader.int("message.max.bytes", default: 1_048_588, in: 0...Int(Int32.max))
        offsetsTopicReplicationFactor = try reader.int("offsets.topic.replication.factor", default: 3, in: 1...Int16.max)
        offsetsTopicNumPartitions = try reader.int("offsets.topic.num.partitions", default: 50, in: 1...Int32.max)
        groupInitialRebalanceDelayMs = try reader.int("group.initial.rebalance.delay.ms", default: 3_000, in: 0...Int(Int32.max))
        maxPartitions = try reader.int("max.partitions", default: 1_000_000, in: 1...Int(Int32.max))
        logMessageTimestampType = reader.string("log.message.timestamp.type", default: "CreateTime")
        guard ["CreateTime", "LogAppendTime"].contains(logMessageTimestampType) else {
            throw .invalidValue(
                key: "log.message.timestamp.type", value: logMessageTimestampType, reason: "must be CreateTime or LogAppendTime")
        }
        logMessageTimestampDifferenceMaxMs = try reader.int(
            "log.message.timestamp.difference.max.ms", default: Int64.max, in: 0...Int64.max)
        groupMinSessionTimeoutMs = try reader.int("group.min.session.timeout.ms", default: 6_000, in: 0...Int32.max)
        groupMaxSessionTimeoutMs = try reader.int("group.max.session.timeout.ms", default: 1_800_000, in: 0...Int32.max)
        groupMaxSize = try reader.int("group.max.size", default: Int32.max, in: 1...Int32.max)
        offsetsRetentionMinutes = try reader.int("offsets.retention.minutes", default: 10_080, in: 1...Int64(Int32.max))
        offsetsRetentionCheckIntervalMs = try reader.int("offsets.retention.check.interval.ms", default: 600_000, in: 1...Int64.max)
        offsetMetadataMaxBytes = try reader.int("offset.metadata.max.bytes", default: 4_096, in: 0...Int(Int32.max))
        offsetsCommitTimeoutMs = try reader.int("offsets.commit.timeout.ms", default: 5_000, in: 1...Int32.max)
        offsetsTopicSegmentBytes = try reader.int("offsets.topic.segment.bytes", default: 104_857_600, in: 1...Int32.max)
        guard Int64(replicaFetchWaitMaxMs) <= replicaLagTimeMaxMs else {
            // Kafka's KafkaConfig.validateValues: a follower must fetch more often than it may lag.
            throw .invalidValue(
                key: "replica.fetch.wait.max.ms", value: "\(replicaFetchWaitMaxMs)",
                reason: "must not exceed replica.lag.time.max.ms (\(replicaLagTimeMaxMs))")
        }

        // log.dirs takes precedence over log.dir (KafkaConfig.logDirs).
        logDirs = reader.list("log.dirs") ?? reader.list("log.dir") ?? ["/tmp/kafka-logs"]
        logSegmentBytes = try reader.int("log.segment.bytes", default: 1_073_741_824, in: 14...Int(Int32.max))
        let hour: Int64 = 3_600_000
        logRollMs = try reader.duration([("log.roll.ms", 1), ("log.roll.hours", hour)], default: 168 * hour)
        logRetentionMs = try reader.duration(
            [("log.retention.ms", 1), ("log.retention.minutes", 60_000), ("log.retention.hours", hour)],
            default: 168 * hour, allowNegativeOne: true)
        logRetentionBytes = try reader.int("log.retention.bytes", default: -1, in: -1...Int64.max)
        logRetentionCheckIntervalMs = try reader.int("log.retention.check.interval.ms", default: 300_000, in: 1...Int64.max)
        logFlushIntervalMessages = try reader.int("log.flush.interval.messages", default: Int64.max, in: 1...Int64.max)
        logFlushIntervalMs = try reader.optionalInt("log.flush.interval.ms", in: 0...Int64.max)
        logFlushSchedulerIntervalMs = try reader.int("log.flush.scheduler.interval.ms", default: Int64.max, in: 1...Int64.max)
        logFlushOffsetCheckpointIntervalMs = try reader.int(
            "log.flush.offset.checkpoint.interval.ms", default: 60_000, in: 0...Int64(Int32.max))
        logIndexIntervalBytes = try reader.int("log.index.interval.bytes", default: 4_096, in: 0...Int(Int32.max))
        logIndexSizeMaxBytes = try reader.int("log.index.size.max.bytes", default: 10_485_760, in: 4...Int(Int32.max))
        logSegmentDeleteDelayMs = try reader.int("log.segment.delete.delay.ms", default: 60_000, in: 0...Int64.max)
        logCleanupPolicy = reader.string("log.cleanup.policy", default: "delete")
        logCleanerEnable = try reader.bool("log.cleaner.enable", default: true)
        logCleanerThreads = try reader.int("log.cleaner.threads", default: 1, in: 0...Int(Int32.max))
        logCleanerBackoffMs = try reader.int("log.cleaner.backoff.ms", default: 15_000, in: 0...Int64.max)
        logCleanerDedupeBufferSize = try reader.int("log.cleaner.dedupe.buffer.size", default: 134_217_728, in: 0...Int.max)
        logCleanerIoBufferLoadFactor = try reader.double("log.cleaner.io.buffer.load.factor", default: 0.9, in: 0.01...1)
        logCleanerDeleteRetentionMs = try reader.int("log.cleaner.delete.retention.ms", default: 86_400_000, in: 0...Int64.max)
        logCleanerMinCleanableRatio = try reader.double("log.cleaner.min.cleanable.ratio", default: 0.5, in: 0...1)
        logCleanerMinCompactionLagMs = try reader.int("log.cleaner.min.compaction.lag.ms", default: 0, in: 0...Int64.max)
        replicaFetchBackoffMs = try reader.int("replica.fetch.backoff.ms", default: 1_000, in: 0...Int64(Int32.max))
        replicaSocketTimeoutMs = try reader.int("replica.socket.timeout.ms", default: 30_000, in: 1...Int(Int32.max))
        replicaFetchResponseMaxBytes = try reader.int("replica.fetch.response.max.bytes", default: 10_485_760, in: 0...Int(Int32.max))
        maxIncrementalFetchSessionCacheSlots = try reader.int(
            "max.incremental.fetch.session.cache.slots", default: 1_000, in: 0...Int(Int32.max))
        metricsPort = try reader.optionalInt("zkafka.metrics.port", in: 0...65_535)

        warnings = Self.warnings(supplied: Set(values.keys), consulted: reader.consulted)
    }

    /// Reads `path` and applies `overrides` (`key=value`, as `kafka-server-start.sh --override`).
    public static func load(path: String, overrides: [String] = []) throws(ConfigError) -> BrokerConfig {
        try BrokerConfig(values: ServerProperties.load(path: path, overrides: overrides))
    }

    static func warnings(supplied: Set<String>, consulted: Set<String>) -> [String] {
        supplied.subtracting(consulted).sorted().map { key in
            if KnownKafkaKeys.ignored.contains(key) {
                "configuration '\(key)' is a Kafka setting that ZKafka does not implement; it is ignored"
            } else {
                "configuration '\(key)' was supplied but isn't a known config"
            }
        }
    }
}
