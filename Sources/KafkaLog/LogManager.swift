import KafkaModel
import Logging
import Synchronization

/// Kafka's `LogManager`: all partition logs in `log.dirs`.
public final class LogManager: Sendable {
    public init(logDirs: [String], config: LogConfig, logger: Logger, nowMs: @escaping @Sendable () -> Int64) throws(LogError) {
        fatalError("unimplemented")
    }

    public func log(for topicPartition: TopicPartition) -> PartitionLog? { fatalError("unimplemented") }
    public func getOrCreateLog(_ topicPartition: TopicPartition) throws(LogError) -> PartitionLog { fatalError("unimplemented") }
    public func deleteLog(_ topicPartition: TopicPartition) throws(LogError) { fatalError("unimplemented") }
    public var allLogs: [PartitionLog] { fatalError("unimplemented") }
    public func checkpoint() throws(LogError) { fatalError("unimplemented") }
    public func startBackgroundTasks(retentionCheckIntervalMs: Int64, flushCheckIntervalMs: Int64, checkpointIntervalMs: Int64) {
        fatalError("unimplemented")
    }
    public func shutdown() throws(LogError) { fatalError("unimplemented") }
}
