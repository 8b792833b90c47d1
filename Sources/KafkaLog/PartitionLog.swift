import KafkaModel
import KafkaProtocol
import NIOCore
import Synchronization

/// Kafka's `Log`: one partition replica's directory `<log.dir>/<topic>-<partition>/`.
public final class PartitionLog: Sendable {
    public let topicPartition: TopicPartition
    public let directory: String

    init(topicPartition: TopicPartition, directory: String) {
        self.topicPartition = topicPartition
        self.directory = directory
    }

    public var logStartOffset: Int64 { fatalError("unimplemented") }
    public var logEndOffset: Int64 { fatalError("unimplemented") }
    public var highWatermark: Int64 { fatalError("unimplemented") }
    public var recoveryPoint: Int64 { fatalError("unimplemented") }

    public static func open(
        directory: String, topicPartition: TopicPartition, config: LogConfig,
        recoveryPoint: Int64, logStartOffset: Int64, highWatermark: Int64,
        hadCleanShutdown: Bool, nowMs: Int64
    ) throws(LogError) -> PartitionLog {
        fatalError("unimplemented")
    }

    public func updateConfig(_ config: LogConfig) { fatalError("unimplemented") }

    public func appendAsLeader(_ batches: [RecordBatchView], leaderEpoch: Int32, nowMs: Int64) throws(LogError) -> LogAppendInfo {
        fatalError("unimplemented")
    }

    public func appendAsFollower(_ records: ByteBuffer, nowMs: Int64) throws(LogError) -> LogAppendInfo? {
        fatalError("unimplemented")
    }

    public func read(startOffset: Int64, maxBytes: Int, upperBound: Int64, minOneMessage: Bool) throws(LogError) -> LogReadInfo {
        fatalError("unimplemented")
    }

    public func offset(forTimestamp timestamp: Int64) throws(LogError) -> (offset: Int64, timestamp: Int64)? {
        fatalError("unimplemented")
    }

    public func updateHighWatermark(_ offset: Int64) { fatalError("unimplemented") }
    public func truncate(to offset: Int64) throws(LogError) { fatalError("unimplemented") }
    public func truncateFullyAndStartAt(_ offset: Int64) throws(LogError) { fatalError("unimplemented") }
    public func maybeIncrementLogStartOffset(_ offset: Int64) { fatalError("unimplemented") }
    public func flush() throws(LogError) { fatalError("unimplemented") }
    public func flushIfDue(nowMs: Int64) throws(LogError) { fatalError("unimplemented") }
    public func deleteOldSegments(nowMs: Int64) throws(LogError) -> Int { fatalError("unimplemented") }
    public var segmentBaseOffsets: [Int64] { fatalError("unimplemented") }
    public var sizeInBytes: Int64 { fatalError("unimplemented") }
    public func close() throws(LogError) { fatalError("unimplemented") }
    public func delete() throws(LogError) { fatalError("unimplemented") }
}
