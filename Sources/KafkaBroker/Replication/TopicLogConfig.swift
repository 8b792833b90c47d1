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
        // `cleanup.policy` (broker default `log.cleanup.policy`): `compact` hands the log to the log
        // cleaner; Kafka deletes old segments only of logs whose policy includes "delete"
        // (`LogManager.cleanupLogs`), so a compact-only topic such as __consumer_offsets keeps its
        // segments for the cleaner to compact, or group metadata and offsets committed long ago
        // would vanish from it.
        let policy = Set((topic["cleanup.policy"] ?? broker.logCleanupPolicy).split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        })
        config.compact = policy.contains("compact")
        if !policy.contains("delete") {
            config.retentionMs = -1
            config.retentionBytes = -1
        }
        config.minCleanableDirtyRatio =
            topic["min.cleanable.dirty.ratio"].flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            ?? broker.logCleanerMinCleanableRatio
        config.deleteRetentionMs = long("delete.retention.ms") ?? broker.logCleanerDeleteRetentionMs
        config.minCompactionLagMs = long("min.compaction.lag.ms") ?? broker.logCleanerMinCompactionLagMs
        return config
    }

    static func minInsyncReplicas(broker: BrokerConfig, topic: [String: String]) -> Int {
        topic["min.insync.replicas"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? broker.minInsyncReplicas
    }

    /// The broker's `log.*` settings, for logs whose topic config is not known yet.
    public static func brokerDefaults(_ broker: BrokerConfig) -> LogConfig { logConfig(broker: broker, topic: [:]) }
}
