import KafkaConfig
import KafkaProtocol
import Synchronization

/// Each hosted topic's `LogValidator` settings, read from its `/config/topics/<t>` over the broker's defaults when
/// the broker first hosts one of its partitions (as its log settings are): what Produce validates batches against.
final class TopicValidationPolicies: Sendable {
    private let policies = Mutex<[String: LogValidationPolicy]>([:])
    private let brokerDefault: LogValidationPolicy

    init(broker: BrokerConfig) {
        brokerDefault = Self.policy(broker: broker, topic: [:])
    }

    func update(topic: String, broker: BrokerConfig, config: [String: String]) {
        let policy = Self.policy(broker: broker, topic: config)
        policies.withLock { $0[topic] = policy }
    }

    func policy(for topic: String) -> LogValidationPolicy { policies.withLock { $0[topic] } ?? brokerDefault }

    /// Kafka's `LogConfig` keys `message.timestamp.type`, `message.timestamp.difference.max.ms` and
    /// `cleanup.policy` over the broker's `log.message.timestamp.*` and `log.cleanup.policy` (unparseable values fall back to the default).
    static func policy(broker: BrokerConfig, topic: [String: String]) -> LogValidationPolicy {
        let type = topic["message.timestamp.type"] ?? broker.logMessageTimestampType
        let difference = topic["message.timestamp.difference.max.ms"].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
            ?? broker.logMessageTimestampDifferenceMaxMs
        let cleanup = (topic["cleanup.policy"] ?? broker.logCleanupPolicy).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return LogValidationPolicy(
            timestampType: type == "LogAppendTime" ? .logAppendTime : .createTime,
            timestampDifferenceMaxMs: max(0, difference), compacted: cleanup.contains("compact"))
    }
}
