import Foundation
import KafkaConfig
import KafkaLog
import KafkaModel
import Logging
import Testing

@testable import KafkaBroker

/// KRaft's ISR changes without a new leader epoch (the controller removed a fenced follower): applied in
/// place when the metadata log drives the broker; refused, as before, for ZooKeeper mode's LeaderAndIsr.
@Suite("ReplicaManager: partition-epoch-only changes", .tags(.unit), .timeLimit(.minutes(1)))
struct PartitionEpochChangeTests {
    let logger = Logger(label: "PartitionEpochChangeTests")
    let tp = TopicPartition(topic: "t", partition: 0)

    func withReplicaManager(_ body: (ReplicaManager) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zkafka-pe-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try BrokerConfig(values: ["broker.id": "1", "zookeeper.connect": "127.0.0.1:2181", "log.dirs": directory])
        let logManager = try LogManager(logDirs: [directory], config: LogConfig(), logger: logger, nowMs: { ReplicaManager.nowMs() })
        let replicaManager = ReplicaManager(brokerID: 1, config: config, logManager: logManager, logger: logger)
        try await body(replicaManager)
        await replicaManager.shutdown()
    }

    func state(isr: [BrokerID], leaderEpoch: Int32 = 0, version: Int32) -> ReplicaManager.BecomeLeaderOrFollower {
        .init(
            topicPartition: tp,
            leadership: LeaderISRAndControllerEpoch(leader: 1, leaderEpoch: leaderEpoch, isr: isr, zkVersion: version, controllerEpoch: 0),
            replicas: [1, 2, 3])
    }

    @Test func kraft_appliesTheNewIsrInPlace() async throws {
        try await withReplicaManager { manager in
            var refused = await manager.becomeLeaderOrFollower(
                [state(isr: [1, 2, 3], version: 0)], leaderEndpoints: [:], topicConfig: { _ in [:] })
            try #require(refused.isEmpty)
            refused = await manager.becomeLeaderOrFollower(
                [state(isr: [1, 2], version: 1)], leaderEndpoints: [:], acceptsPartitionEpochChanges: true, topicConfig: { _ in [:] })
            #expect(refused.isEmpty)
            let replication = try #require(manager.partition(tp)).replicationState
            #expect(replication.isr == [1, 2])
            #expect(replication.zkVersion == 1)
            #expect(replication.leaderEpoch == 0)
            // An older partition epoch (a delta replayed late) changes nothing.
            _ = await manager.becomeLeaderOrFollower(
                [state(isr: [1, 2, 3], version: 1)], leaderEndpoints: [:], acceptsPartitionEpochChanges: true, topicConfig: { _ in [:] })
            #expect(manager.partition(tp)?.replicationState.isr == [1, 2])
        }
    }

    @Test func zooKeeperMode_refusesTheSameLeaderEpoch() async throws {
        try await withReplicaManager { manager in
            _ = await manager.becomeLeaderOrFollower([state(isr: [1, 2, 3], version: 0)], leaderEndpoints: [:], topicConfig: { _ in [:] })
            let refused = await manager.becomeLeaderOrFollower(
                [state(isr: [1, 2], version: 1)], leaderEndpoints: [:], topicConfig: { _ in [:] })
            #expect(refused[tp] == .staleLeaderEpoch(request: 0, current: 0))
            #expect(manager.partition(tp)?.replicationState.isr == [1, 2, 3])
        }
    }
}
