import Foundation
import Logging
import Testing

@testable import KafkaLog

@Suite(.tags(.unit)) struct CheckpointReadErrorTests {
    /// Kafka reads high watermarks with `OffsetCheckpointFile.read`, which fails on a malformed
    /// file: the log dir does not load with every high watermark silently reset to 0.
    @Test func aMalformedHighWatermarkCheckpointIsAnErrorNamingTheFile() throws {
        let dir = TemporaryDirectory()
        let path = dir.path + "/replication-offset-checkpoint"
        try "0\n1\nmy-topic 0\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            _ = try LogManager(logDirs: [dir.path], config: LogConfig(), logger: .init(label: "test"), nowMs: { 1_000 })
        } throws: { error in
            "\(error)".contains(path)
        }
    }

    /// Recovery points are reset instead, as Kafka's `loadLogs` does (a full recovery is safe).
    @Test func aMalformedRecoveryPointCheckpointIsReadAsEmpty() throws {
        let dir = TemporaryDirectory()
        try "garbage\n".write(toFile: dir.path + "/recovery-point-offset-checkpoint", atomically: true, encoding: .utf8)
        _ = try LogManager(logDirs: [dir.path], config: LogConfig(), logger: .init(label: "test"), nowMs: { 1_000 })
    }
}
