import Foundation
import KafkaModel
import KafkaTestKit
import LocalCluster
import Testing
import ZooKeeper

/// KIP-101's failure sequences against a real cluster: records acknowledged with acks=all
/// (min.insync.replicas=2, replication factor 3) stay at their acknowledged offsets, and the
/// replicas end up byte-identical, when a follower restarts and the leader dies before it caught
/// up, and when every broker is killed with SIGKILL and restarted. Followers truncate by leader
/// epoch (Fetch v12 `last_fetched_epoch` / `diverging_epoch`), never to a stale high watermark.
@Suite(.tags(.cluster), .requiresZooKeeper, .cluster(brokerOverrides: ["replica.lag.time.max.ms": "10000"]), .serialized, .timeLimit(.minutes(8)))
struct LeaderEpochDurabilityTests {
    private let topicConfig = ["min.insync.replicas": "2"]

    private func startStoppedBrokers(_ cluster: RunningCluster) throws {
        for broker in try cluster.cluster.status().brokers where broker.pid == nil {
            try cluster.cluster.start(.broker(broker.id))
        }
    }

    @Test func followerRestarts_thenTheLeaderDiesBeforeItCatchesUp_losesNoAcknowledgedRecord() async throws {
        let cluster = try RunningCluster.current
        try startStoppedBrokers(cluster)
        let topic = "epochs-follower-restart"
        try await ProducerRun.withRunning(cluster, topic: topic, partitions: 1, configs: topicConfig, acknowledged: 1_000) {
            zooKeeper, run async throws in

            let initial = try #require(try await DataPlane.partitionState(zooKeeper, topic, 0))
            let leader = Int(initial.leader)
            let follower = try #require(initial.isr.map(Int.init).first { $0 != leader })
            try cluster.cluster.kill(.broker(follower), signal: .kill)
            try await run.waitForAcknowledged(run.acknowledgedCount + 1_000)
            // The follower comes back with the log it had, and the leader dies right away, before the
            // follower has fetched what it missed.
            try cluster.cluster.start(.broker(follower))
            try cluster.cluster.kill(.broker(leader), signal: .kill)
            var state: LeaderAndISR?
            try await pollUntil("no new leader after broker \(leader) died: \(String(describing: state))", timeout: .seconds(60)) {
                state = try await DataPlane.partitionState(zooKeeper, topic, 0)
                return state.map { $0.leader >= 0 && $0.leader != Int32(leader) } ?? false
            }
            try await run.waitForAcknowledged(run.acknowledgedCount + 1_000, within: .seconds(120))

            try cluster.cluster.start(.broker(leader))
            try await run.finish()
            try await expectEveryAcknowledgedRecord(cluster, topic, run)
            try await expectIdenticalReplicas(cluster, zooKeeper, topic)
            try await expectOffsetsForLeaderEpochAnswers(cluster, zooKeeper, topic)
        }
    }

    /// OffsetsForLeaderEpoch v3, encoded by a Python script: the leader answers from its epoch
    /// cache (`leader-epoch-checkpoint` on disk), fences an old current epoch, and a follower refuses.
    private func expectOffsetsForLeaderEpochAnswers(_ cluster: RunningCluster, _ zooKeeper: ZooKeeperClient, _ topic: String) async throws {
        let state = try #require(try await DataPlane.partitionState(zooKeeper, topic, 0))
        let leader = Int(state.leader)
        let logDir = try #require(cluster.descriptor.brokers.first { $0.id == leader }).logDir
        let checkpoint = try String(contentsOfFile: "\(logDir)/\(topic)-0/leader-epoch-checkpoint", encoding: .utf8)
        let entries = checkpoint.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ").compactMap { Int($0) } }
        try #require(entries.count >= 2 && entries.allSatisfy { $0.count == 2 }, "leader-epoch-checkpoint: \(checkpoint)")
        func ask(_ broker: Int, epoch: Int, current: Int = -1) throws -> [String: Any] {
            try DataPlane.python(
                "offset_for_leader_epoch.py", [cluster.brokerAddress(broker), topic, "0", String(epoch), String(current)],
                timeout: .seconds(30))
        }
        // The first epoch ends where the second starts.
        let first = try ask(leader, epoch: entries[0][0], current: Int(state.leaderEpoch))
        #expect(first["errorCode"] as? Int == 0 && first["leaderEpoch"] as? Int == entries[0][0])
        #expect(first["endOffset"] as? Int == entries[1][1], "answer \(first), checkpoint \(entries)")
        #expect(try ask(leader, epoch: entries[0][0], current: Int(state.leaderEpoch) - 1)["errorCode"] as? Int == 74)
        let follower = try #require(state.isr.map(Int.init).first { $0 != leader })
        #expect(try ask(follower, epoch: entries[0][0])["errorCode"] as? Int == 6)
    }

    @Test func wholeClusterKilledAndRestarted_losesNoAcknowledgedRecord_andReplicasConverge() async throws {
        let cluster = try RunningCluster.current
        try startStoppedBrokers(cluster)
        let topic = "epochs-cluster-crash"
        try await ProducerRun.withRunning(cluster, topic: topic, partitions: 3, configs: topicConfig, acknowledged: 2_000) {
            zooKeeper, run async throws in

            for broker in cluster.descriptor.brokers { try cluster.cluster.kill(.broker(broker.id), signal: .kill) }
            let acknowledgedAtCrash = run.acknowledgedCount
            for broker in cluster.descriptor.brokers { try cluster.cluster.start(.broker(broker.id)) }
            try await run.waitForAcknowledged(acknowledgedAtCrash + 1_000, within: .seconds(150), cluster: cluster)

            try await run.finish()
            try await expectEveryAcknowledgedRecord(cluster, topic, run)
            try await expectIdenticalReplicas(cluster, zooKeeper, topic)
        }
    }

    // MARK: Checks

    /// Every acknowledged record is at its acknowledged partition and offset.
    private func expectEveryAcknowledgedRecord(_ cluster: RunningCluster, _ topic: String, _ run: ProducerRun) async throws {
        let consumed = run.scratch + "/consumed.txt"
        let consumerSummary = try DataPlane.python("kafka_client.py", ["consume", cluster.bootstrapServers, topic, "--out", consumed])
        let acknowledged = try DataPlane.readRecords(run.acked)
        let missing = GeneratedRecords.missing(acknowledged: acknowledged, consumed: try DataPlane.readRecords(consumed))
        #expect(!acknowledged.isEmpty)
        #expect(
            missing.isEmpty,
            "acknowledged \(acknowledged.count), missing \(missing.count); first missing: \(missing.prefix(5)); consumer: \(consumerSummary)")
    }

    /// Once every replica is back in the ISR, the partitions' segment files are the same bytes on
    /// every broker.
    private func expectIdenticalReplicas(_ cluster: RunningCluster, _ zooKeeper: ZooKeeperClient, _ topic: String) async throws {
        let partitions = try DataPlane.leaders(cluster, topic, askingBroker: cluster.descriptor.brokers[0].id).count
        var states: [Int32: LeaderAndISR] = [:]
        try await pollUntil("not every replica rejoined the ISR: \(states)", timeout: .seconds(120)) {
            for partition in 0..<Int32(partitions) { states[partition] = try await DataPlane.partitionState(zooKeeper, topic, partition) }
            return states.count == partitions && states.values.allSatisfy { $0.isr.count == 3 }
        }
        var sizes: [Int: [Int]] = [:]
        try await pollUntil("the replicas' logs differ (bytes per broker, by partition): \(sizes)", timeout: .seconds(60)) {
            var allEqual = true
            for partition in 0..<partitions {
                let copies = try cluster.descriptor.brokers.map { try Self.logBytes(cluster, broker: $0.id, topic, partition) }
                sizes[partition] = copies.map(\.count)
                allEqual = allEqual && copies.allSatisfy { $0 == copies[0] } && !copies[0].isEmpty
            }
            return allEqual
        }
    }

    /// All `.log` segment files of a partition on one broker, concatenated in offset order.
    private static func logBytes(_ cluster: RunningCluster, broker: Int, _ topic: String, _ partition: Int) throws -> Data {
        let logDir = try #require(cluster.descriptor.brokers.first { $0.id == broker }).logDir
        var bytes = Data()
        for name in try DataPlane.segmentFiles(cluster, broker: broker, topic, partition) {
            bytes.append(FileManager.default.contents(atPath: "\(logDir)/\(topic)-\(partition)/\(name)") ?? Data())
        }
        return bytes
    }
}

/// The confluent-kafka producer of `scripts/kafka_client.py` sending with acks=all in the
/// background until stopped, recording each acknowledged record with its offset.
final class ProducerRun: Sendable {
    /// A new topic, an acks=all producer on it already `acknowledged` records in, and a ZooKeeper session,
    /// for `body`; afterwards (however `body` ends) the producer stops, the session closes, the scratch
    /// directory goes.
    static func withRunning(
        _ cluster: RunningCluster, topic: String, partitions: Int, configs: [String: String], acknowledged: Int,
        _ body: (ZooKeeperClient, ProducerRun) async throws -> Void
    ) async throws {
        try await DataPlane.createTopic(cluster, topic, partitions: partitions, replicationFactor: 3, configs: configs)
        let scratch = try DataPlane.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try await withClosing(try await DataPlane.zooKeeper(cluster)) { zooKeeper async throws in
            let run = try ProducerRun(cluster, topic, scratch: scratch)
            defer { run.stop() }
            try await run.waitForAcknowledged(acknowledged)
            try await body(zooKeeper, run)
        }
    }

    let scratch: String
    let acked: String
    private let stopFile: String
    private let command: BackgroundCommand

    init(_ cluster: RunningCluster, _ topic: String, scratch: String) throws {
        self.scratch = scratch
        acked = scratch + "/acked.txt"
        stopFile = scratch + "/stop"
        command = BackgroundCommand(
            ["/usr/bin/python3", DataPlane.script("kafka_client.py"), "produce", cluster.bootstrapServers, topic,
             "--until-file", stopFile, "--acked", acked, "--interval-ms", "2"],
            timeout: .seconds(400))
    }

    var acknowledgedCount: Int { DataPlane.lineCount(acked) }

    func waitForAcknowledged(_ count: Int, within limit: Duration = .seconds(60), cluster: RunningCluster? = nil) async throws {
        try await pollUntil(
            "acknowledgements stalled at \(acknowledgedCount), waiting for \(count)\n\(cluster.map(Self.brokerLogTails) ?? "")",
            timeout: limit
        ) { DataPlane.lineCount(self.acked) >= count }
    }

    /// The last lines of every broker's log, for a failure message.
    static func brokerLogTails(_ cluster: RunningCluster) -> String {
        cluster.descriptor.brokers.map { broker in
            let text = (try? String(contentsOfFile: broker.log, encoding: .utf8)) ?? ""
            return "--- broker \(broker.id):\n" + text.split(separator: "\n").suffix(40).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    func stop() { FileManager.default.createFile(atPath: stopFile, contents: nil) }

    /// Stops producing and waits for the producer's flush; nothing may have failed for good.
    func finish() async throws {
        stop()
        let result = try await command.result()
        let summary = try DataPlane.summary(of: result)
        #expect(result.status == 0, "producer: \(result.standardError.suffix(2000))")
        #expect(summary["failed"] as? Int == 0, "records the producer gave up on: \(summary)")
    }
}
