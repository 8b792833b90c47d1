import Foundation
import KafkaModel
import KafkaProtocol
import Logging
import NIOCore
import Testing

@testable import KafkaLog

@Suite(.tags(.unit)) struct LogManagerTests {
    let logger = Logger(label: "KafkaLogTests")

    private func manager(_ dirs: [String], config: LogConfig = LogConfig()) throws -> LogManager {
        try LogManager(logDirs: dirs, config: config, logger: logger, nowMs: { 5_000 })
    }

    @Test func checkpointFileRoundTripAndFormat() throws {
        let tmp = TemporaryDirectory()
        let file = OffsetCheckpointFile(path: tmp.path + "/replication-offset-checkpoint")
        #expect(try file.read().isEmpty)
        let offsets: [TopicPartition: Int64] = [
            TopicPartition(topic: "a-b-c", partition: 2): 42, TopicPartition(topic: "x", partition: 0): 7,
        ]
        try file.write(offsets)
        #expect(try file.read() == offsets)
        let text = String(decoding: fileBytes(file.path), as: UTF8.self)
        #expect(text == "0\n2\na-b-c 2 42\nx 0 7\n")
        #expect(!FileManager.default.fileExists(atPath: file.path + ".tmp"))
        try "0\n3\nx 0 7\n".write(toFile: file.path, atomically: true, encoding: .utf8)
        #expect(throws: LogError.self) { try file.read() }
    }

    @Test func directoryNamesSplitAtTheLastDash() {
        #expect(LogFileNames.topicPartition(fromDirectoryName: "my-topic-12") == TopicPartition(topic: "my-topic", partition: 12))
        #expect(LogFileNames.topicPartition(fromDirectoryName: "topic") == nil)
        #expect(LogFileNames.topicPartition(fromDirectoryName: "-3") == nil)
        #expect(LogFileNames.prefix(42) == "00000000000000000042")
    }

    @Test func loadsExistingLogsAndWritesCheckpointsOnShutdown() throws {
        let dir1 = TemporaryDirectory()
        let dir2 = TemporaryDirectory()
        let a = TopicPartition(topic: "my-topic", partition: 0)
        let b = TopicPartition(topic: "my-topic", partition: 1)
        do {
            let manager = try manager([dir1.path, dir2.path])
            let logA = try manager.getOrCreateLog(a)
            let logB = try manager.getOrCreateLog(b)
            #expect(logA.directory.hasPrefix(dir1.path) != logB.directory.hasPrefix(dir1.path))
            try appendBatches(logA, 3)
            try appendBatches(logB, 1)
            logA.updateHighWatermark(10)
            logB.updateHighWatermark(5)
            #expect(manager.allLogs.map(\.topicPartition) == [a, b])
            try manager.shutdown()
            let aDir = logA.directory.hasPrefix(dir1.path) ? dir1.path : dir2.path
            #expect(FileManager.default.fileExists(atPath: aDir + "/.kafka_cleanshutdown"))
            let hw = String(decoding: fileBytes(aDir + "/replication-offset-checkpoint"), as: UTF8.self)
            #expect(hw == "0\n1\nmy-topic 0 10\n")
            let rp = String(decoding: fileBytes(aDir + "/recovery-point-offset-checkpoint"), as: UTF8.self)
            #expect(rp == "0\n1\nmy-topic 0 15\n")
        }
        // A directory marked for deletion goes; the rest load with their checkpointed state.
        try FileManager.default.createDirectory(atPath: dir1.path + "/old-0.abc-delete", withIntermediateDirectories: true)
        let manager = try manager([dir1.path, dir2.path])
        #expect(!FileManager.default.fileExists(atPath: dir1.path + "/old-0.abc-delete"))
        #expect(!FileManager.default.fileExists(atPath: dir1.path + "/.kafka_cleanshutdown"))
        let logA = try #require(manager.log(for: a))
        #expect(logA.logEndOffset == 15 && logA.highWatermark == 10 && logA.recoveryPoint == 15)
        #expect(manager.log(for: b)?.logEndOffset == 5)
        try manager.deleteLog(b)
        #expect(manager.log(for: b) == nil)
        #expect(manager.allLogs.count == 1)
        try manager.checkpoint()
    }

    @Test func uncleanShutdownRecoversFromTheCheckpointedRecoveryPoint() throws {
        let dir = TemporaryDirectory()
        let tp = TopicPartition(topic: "t", partition: 0)
        do {
            let manager = try manager([dir.path])
            let log = try manager.getOrCreateLog(tp)
            try appendBatches(log, 2)
            try manager.checkpoint()  // recovery point 0: nothing flushed yet
        }
        let logPath = dir.path + "/t-0/00000000000000000000.log"
        var bytes = fileBytes(logPath)
        bytes.append(contentsOf: [0, 0, 0, 0, 0, 0, 0, 10, 0, 0])  // a torn third batch
        try Data(bytes).write(to: URL(fileURLWithPath: logPath))
        let manager = try manager([dir.path])
        #expect(manager.log(for: tp)?.logEndOffset == 10)
        #expect(fileBytes(logPath).count == bytes.count - 10)
    }

    /// Each checkpoint file has one writer: the replica manager's high-watermark task touches only
    /// `replication-offset-checkpoint`, the log manager's recovery-point task only the other two (two writers of one
    /// file raced on its `.tmp`).
    @Test func checkpointTasks_eachWriteOnlyTheirOwnFiles() throws {
        let dir = TemporaryDirectory()
        let manager = try manager([dir.path])
        let log = try manager.getOrCreateLog(TopicPartition(topic: "t", partition: 0))
        try appendBatches(log, 2)
        let files = ["replication-offset-checkpoint", "recovery-point-offset-checkpoint", "log-start-offset-checkpoint"]
        func present() -> [Bool] { files.map { FileManager.default.fileExists(atPath: dir.path + "/" + $0) } }
        #expect(present() == [false, false, false])
        try manager.checkpoint(.highWatermarks)
        #expect(present() == [true, false, false])
        try FileManager.default.removeItem(atPath: dir.path + "/replication-offset-checkpoint")
        try manager.checkpoint(.recoveryPointsAndLogStartOffsets)
        #expect(present() == [false, true, true])
    }

    @Test func storageErrorsNameThePath() throws {
        let tmp = TemporaryDirectory()
        let file = tmp.path + "/not-a-dir"
        FileManager.default.createFile(atPath: file, contents: Data([1]))
        #expect {
            _ = try manager([file])
        } throws: { error in
            guard case LogError.storage(let path, _, let code) = error else { return false }
            return path == file && code == ENOTDIR && "\(error)".contains(file) && "\(error)".contains("Not a directory")
        }
        #expect(throws: LogError.self) { _ = try openLog(file) }
    }
}
