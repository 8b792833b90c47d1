import Foundation
import KafkaModel
import Logging
import Testing

@testable import KafkaLog

/// Logs with equal settings share one `LogConfig` (issue 14), and a config change still reaches only the log
/// it is made on.
@Suite(.tags(.unit)) struct SharedLogConfigTests {
    @Test func equalConfigsShareOneBoxAndDifferentOnesDoNot() {
        let first = SharedLogConfig.of(LogConfig(segmentBytes: 12_345))
        let second = SharedLogConfig.of(LogConfig(segmentBytes: 12_345))
        let other = SharedLogConfig.of(LogConfig(segmentBytes: 54_321))
        #expect(first === second)
        #expect(first !== other)
        #expect(first.value.segmentBytes == 12_345 && other.value.segmentBytes == 54_321)
    }

    @Test func logsOfOneManagerShareTheirConfigUntilOneIsChanged() throws {
        let tmp = TemporaryDirectory()
        let manager = try LogManager(
            logDirs: [tmp.path], config: LogConfig(segmentBytes: 4_096), logger: Logger(label: "test"), nowMs: { 5_000 })
        let a = try manager.getOrCreateLog(TopicPartition(topic: "t", partition: 0))
        let b = try manager.getOrCreateLog(TopicPartition(topic: "t", partition: 1))
        #expect(a.config.segmentBytes == 4_096 && b.config.segmentBytes == 4_096)
        #expect(a.state.withLock { $0.sharedConfigIdentity } == b.state.withLock { $0.sharedConfigIdentity })

        var changed = a.config
        changed.retentionMs = 1_000
        a.updateConfig(changed)
        #expect(a.config.retentionMs == 1_000)
        #expect(b.config.retentionMs == LogConfig.sevenDaysMs)
        #expect(a.state.withLock { $0.sharedConfigIdentity } != b.state.withLock { $0.sharedConfigIdentity })

        // Setting an equal config keeps the shared box.
        let before = b.state.withLock { $0.sharedConfigIdentity }
        b.updateConfig(b.config)
        #expect(b.state.withLock { $0.sharedConfigIdentity } == before)
    }

    @Test func theLogDirectoryPathIsTheDirAndTheLogName() {
        let path = LogFileNames.logDirectory("/var/kafka", TopicPartition(topic: "orders-eu", partition: 17))
        #expect(path == "/var/kafka/orders-eu-17")
    }

    @Test func theLogManagerFindsEachLogsDirWithoutADirectoryMap() throws {
        let one = TemporaryDirectory()
        let two = TemporaryDirectory()
        let manager = try LogManager(logDirs: [one.path, two.path], config: LogConfig(), logger: Logger(label: "test"), nowMs: { 5_000 })
        for partition in 0..<4 { _ = try manager.getOrCreateLog(TopicPartition(topic: "t", partition: Int32(partition))) }
        let dirs = manager.logsWithDirs.map(\.dir)
        #expect(dirs.filter { $0 == one.path }.count == 2 && dirs.filter { $0 == two.path }.count == 2)
        let offline = manager.handleLogDirFailure(one.path)
        #expect(offline.offline.count == 2 && offline.anyDirLive)
        #expect(manager.logsWithDirs.allSatisfy { $0.dir == two.path })
        try manager.deleteLog(manager.logsWithDirs[0].log.topicPartition)
        #expect(manager.logsWithDirs.count == 1)
    }
}
