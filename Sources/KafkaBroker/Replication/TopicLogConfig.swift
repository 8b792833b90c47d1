import KafkaConfig
import KafkaLog

/// A topic's effective log settings: its own `/config/topics/<t>` entries over the broker's
/// `log.*` defaults (Kafka 2.8 `LogConfig.fromProps` with the broker defaults as the base).
/// Unparseable topic values fall back to the broker default (Kafka validates them on creation).
public enum TopicLogConfig {
    static func logConfig(broker: BrokerConfig, topic: [String: String]) -> LogConfig {
        func long(_ key: String) -> Int64? { topic[key].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) } }
        var config = LogConfig()
        config.segmentBytes = long("segment.bytes").map { Int($0) } ?? broker.logSegmentBytes
        config.segmentMs = long("segment.ms") ?? broker.logRollMs
        config.retentionMs = long("retention.ms") ?? broker.logRetentionMs
        config.retentionBytes = long("retention.bytes") ?? broker.logRetentionBytes
        config.flushIntervalMessages = long("flush.messages") ?? broker.logFlushIntervalMessages
        config.flushIntervalMs = long("flush.ms") ?? broker.logFlushIntervalMs ?? broker.logFlushSchedulerIntervalMs
        config.indexIntervalBytes = long("index.interval.bytes").map { Int($0) } ?? broker.logIndexIntervalBytes
        config.maxIndexSize = long("segment.index.bytes").map { Int($0) } ?? broker.logIndexSizeMaxBytes
        config.fileDeleteDelayMs = long("file.delete.delay.ms") ?? broker.logSegmentDeleteDelayMs
        // Kafka deletes old segments only of logs whose cleanup.policy includes "delete"
        // (`LogManager.cleanupLogs`): a compact-only topic such as __consumer_offsets keeps every
        // segment (for the log cleaner, which ZKafka does not have yet), or group metadata and
        // offsets committed long ago would vanish from it.
        if let policy = topic["cleanup.policy"],
            !policy.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == "delete" })
        {
            config.retentionMs = -1
            config.retentionBytes = -1
        }
        return config
    }

    static func minInsyncReplicas(broker: BrokerConfig, topic: [String: String]) -> Int {
        topic["min.insync.replicas"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? broker.minInsyncReplicas
    }

    /// The broker's `log.*` settings, for logs whose topic config is not known yet.
    public static func brokerDefaults(_ broker: BrokerConfig) -> LogConfig { logConfig(broker: broker, topic: [:]) }
}
