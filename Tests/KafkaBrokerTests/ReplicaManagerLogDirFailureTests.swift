import Foundation
import KafkaConfig
import KafkaLog
import KafkaModel
import Logging
import Synchronization
import Testing

@testable import KafkaBroker

/// Kafka 2.8's `ReplicaManager.handleLogDirFailure`, driven through the log manager's `LogDirFailureChannel` as a
/// disk error drives it: the dir's partitions go offline (KAFKA_STORAGE_ERROR for LeaderAndIsr — before the epoch
/// check — and StopReplica), the controller is notified once, the other dir keeps serving, and with no live dir left
/// the broker's halt action runs.
@Suite(.timeLimit(.minutes(1)))
struct ReplicaManagerLogDirFailureTests {
    final class RecordingWriter: PartitionStateWriter {
        let notified = Mutex<[BrokerID]>([])
        func writeLeaderAndIsr(_ update: Partition.IsrUpdate) async throws -> Int32? { update.zkVersion + 1 }
        func notifyIsrChanges(_ partitions: [TopicPartition]) async throws {}
        func notifyLogDirFailure(brokerID: BrokerID) async throws { notified.withLock { $0.append(brokerID) } }
    }

    @Test func failedDir_takesItsPartitionsOffline_notifiesOnce_andTheLastDirHalts() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("zkafka-ldf-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dirs = [root + "/a", root + "/b"]
        let logger = Logger(label: "ReplicaManagerLogDirFailureTests")
        let config = try BrokerConfig(values: ["broker.id": "1", "zookeeper.connect": "127.0.0.1:2181", "log.dirs": dirs.joined(separator: ",")])
        let logManager = try LogManager(logDirs: dirs, config: LogConfig(), logger: logger, nowMs: { ReplicaManager.nowMs() })
        let manager = ReplicaManager(brokerID: 1, config: config, logManager: logManager, logger: logger)
        let writer = RecordingWriter()
        manager.attach(stateWriter: writer)
        let halted = Mutex(false)
        manager.onAllLogDirsFailed { halted.withLock { $0 = true } }
        let t0 = TopicPartition(topic: "t", partition: 0)
        let t1 = TopicPartition(topic: "t", partition: 1)
        func state(_ tp: TopicPartition, epoch: Int32 = 0) -> ReplicaManager.BecomeLeaderOrFollower {
            .init(
                topicPartition: tp,
                leadership: LeaderISRAndControllerEpoch(leader: 1, leaderEpoch: epoch, isr: [1, 2], zkVersion: 0, controllerEpoch: 0),
                replicas: [1, 2])
        }
        try #require(await manager.becomeLeaderOrFollower([state(t0), state(t1)], leaderEndpoints: [:], topicConfig: { _ in [:] }).isEmpty)
        let failedDir = try #require(manager.partition(t0)).log.parentDir
        #expect(manager.partition(t1)?.log.parentDir != failedDir)

        let error = LogError.storage(path: failedDir, operation: "write", errno: EIO)
        logManager.failureChannel.maybeAddOfflineLogDir(failedDir, message: "test", error: error)
        try #require(await eventually { writer.notified.withLock { $0 } == [1] })
        #expect(manager.isOffline(t0) && manager.partition(t0) == nil)
        #expect(!manager.isOffline(t1) && manager.partition(t1) != nil)
        // The controller's "are these still online?" LeaderAndIsr carries the same epoch: offline wins.
        let refused = await manager.becomeLeaderOrFollower([state(t0), state(t1, epoch: 1)], leaderEndpoints: [:], topicConfig: { _ in [:] })
        #expect(refused[t0] == .storage("the log dir of \(t0) is offline"))
        #expect(refused[t1] == nil)
        #expect(manager.stopReplicas([(t0, leaderEpoch: 5)], delete: []) == [t0: .storage("the log dir of \(t0) is offline")])
        #expect(!halted.withLock { $0 })

        let otherDir = try #require(manager.partition(t1)).log.parentDir
        logManager.failureChannel.maybeAddOfflineLogDir(otherDir, message: "test", error: error)
        try #require(await eventually { halted.withLock { $0 } })
        #expect(manager.isOffline(t1))
        // Kafka halts before notifying: the controller learns from the broker's death instead.
        #expect(writer.notified.withLock { $0 } == [1])
        await manager.shutdown()
    }

    private func eventually(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<1_000 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }
}
