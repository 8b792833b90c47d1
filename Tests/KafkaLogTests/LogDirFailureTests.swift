import Foundation
import KafkaModel
import Logging
import Synchronization
import ChildProcess
import KafkaTestKit
import Testing

@testable import KafkaLog

/// A real disk error during an append (the segment file made immutable with `chattr +i`, which fails `pwrite` with
/// EPERM even for root and even on a descriptor opened before): the append fails, the log is offline before anyone
/// else touches it, the segment keeps exactly the bytes of the appends that succeeded, and the failure channel takes
/// the log dir offline once (Kafka's `LogDirFailureChannel`).
@Suite(.tags(.unit), .enabled(if: ImmutableFile.available, "needs root and chattr on an ext4-like file system"))
struct LogDirFailureTests {
    @Test func appendHittingADiskError_takesTheLogAndItsDirOffline_leavesNoHalfWrittenBatch() throws {
        let root = TemporaryDirectory()
        let dirA = root.path + "/a"
        let dirB = root.path + "/b"
        let handled = Mutex<[String]>([])
        let channel = LogDirFailureChannel()
        channel.setHandler { dir in handled.withLock { $0.append(dir) } }
        let manager = try LogManager(
            logDirs: [dirA, dirB], config: LogConfig(), logger: Logger(label: "test"), nowMs: { 1_000 }, failureChannel: channel)
        let first = try manager.getOrCreateLog(TopicPartition(topic: "t", partition: 0))
        let second = try manager.getOrCreateLog(TopicPartition(topic: "t", partition: 1))
        #expect(first.parentDir == dirA && second.parentDir == dirB)
        try appendBatches(first, 3)
        let segment = first.directory + "/" + String(format: "%020lld", 0) + ".log"
        let sizeBefore = fileBytes(segment).count

        try ImmutableFile.set(segment, true)
        defer { try? ImmutableFile.set(segment, false) }
        #expect(throws: LogError.self) { try appendBatches(first, 1) }
        #expect(first.isOffline)
        #expect(fileBytes(segment).count == sizeBefore)
        // Everything afterwards is refused with the offline error, reads included.
        do {
            _ = try first.read(startOffset: 0, maxBytes: 1_000, upperBound: 100, minOneMessage: true)
            Issue.record("read of an offline log succeeded")
        } catch {
            guard case .offline = error else { Issue.record("expected .offline, got \(error)"); return }
        }
        #expect(channel.hasOfflineLogDir(dirA) && !channel.hasOfflineLogDir(dirB))
        // A second failure in the same dir is not reported again.
        #expect(throws: LogError.self) { try appendBatches(first, 1) }
        try pollUntilBlocking("the log dir failure handler ran for \(dirA)", timeout: .seconds(20), every: .milliseconds(10)) {
            handled.withLock { $0 } == [dirA]
        }

        let (offline, anyLive) = manager.handleLogDirFailure(dirA)
        #expect(offline == [TopicPartition(topic: "t", partition: 0)])
        #expect(anyLive)
        #expect(manager.log(for: TopicPartition(topic: "t", partition: 0)) == nil)
        #expect(manager.liveLogDirs == [dirB])
        // New logs go to the live dir only; the other dir's log keeps working.
        #expect(try manager.getOrCreateLog(TopicPartition(topic: "u", partition: 0)).parentDir == dirB)
        try appendBatches(second, 1)
        // Checkpoints skip the offline dir and succeed for the live one.
        try manager.checkpoint()
        // Once the last dir fails too, none is live (the broker then halts, as Kafka's does).
        channel.maybeAddOfflineLogDir(dirB, message: "test", error: LogError.storage(path: dirB, operation: "test", errno: 5))
        #expect(manager.handleLogDirFailure(dirB).anyDirLive == false)
        #expect(manager.liveLogDirs.isEmpty)
        #expect(throws: LogError.self) { try manager.getOrCreateLog(TopicPartition(topic: "v", partition: 0)) }
    }
}

/// `chattr +i` / `-i`: the real fault the log dir failure tests inject.
enum ImmutableFile {
    static let available: Bool = {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/chattr") else { return false }
        let probe = NSTemporaryDirectory() + "chattr-probe-" + UUID().uuidString
        FileManager.default.createFile(atPath: probe, contents: Data([1]))
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard (try? set(probe, true)) != nil else { return false }
        try? set(probe, false)
        return true
    }()

    static func set(_ path: String, _ immutable: Bool) throws {
        let status = try ChildProcess.run(ChildProcessOptions(["/usr/bin/chattr", immutable ? "+i" : "-i", path]), timeout: .seconds(30))
        guard status == .exited(0) else { throw CocoaError(.fileWriteNoPermission) }
    }
}
