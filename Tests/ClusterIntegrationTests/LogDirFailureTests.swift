import Foundation
import KafkaModel
import KafkaTestKit
import KafkaZooKeeperData
import LocalCluster
import Testing
import ZooKeeper

/// A real disk fault in one of a broker's two log dirs (Kafka 2.8's LogDirFailureChannel and
/// `ReplicaManager.handleLogDirFailure`): the active segment of the partition's leader replica is made immutable
/// with `chattr +i`, so its next append fails with EPERM. The broker takes that dir offline, answers
/// KAFKA_STORAGE_ERROR, writes `/log_dir_event_notification/log_dir_event_<seq>`; the controller asks it with
/// LeaderAndIsr, marks the replica offline and elects another leader, and the acks=all producer carries on with no
/// acknowledged record lost. The broker keeps running on its other dir — until that one fails too, when it stops.
@Suite(
    .tags(.cluster), .requiresZooKeeper,
    .enabled(if: ChattrFault.available, "needs root and chattr"),
    .cluster(brokerOverrides: ["log.dirs": "{logDir},{logDir}-2", "replica.lag.time.max.ms": "10000"]),
    .serialized, .timeLimit(.minutes(6)))
struct LogDirFailureTests {
    @Test func failedLogDir_goesOffline_partitionIsReled_noAcknowledgedRecordLost() async throws {
        let cluster = try RunningCluster.current
        let topic = "log-dir-failure"
        try await ProducerRun.withRunning(cluster, topic: topic, partitions: 1, configs: ["min.insync.replicas": "2"], acknowledged: 1_000) {
            zooKeeper, run async throws in

            let initial = try #require(try await DataPlane.partitionState(zooKeeper, topic, 0))
            let leader = Int(initial.leader)
            let base = try #require(cluster.descriptor.brokers.first { $0.id == leader }).logDir
            let partitionDir = try #require(
                [base, base + "-2"].map { "\($0)/\(topic)-0" }.first { FileManager.default.fileExists(atPath: $0) },
                "broker \(leader) has no directory for \(topic)-0")
            let active = try #require(
                try FileManager.default.contentsOfDirectory(atPath: partitionDir).filter { $0.hasSuffix(".log") }.sorted().last)
            let segment = partitionDir + "/" + active
            try ChattrFault.set(segment, immutable: true)
            defer { try? ChattrFault.set(segment, immutable: false) }
            let faultAt = run.acknowledgedCount

            var state: LeaderAndISR?
            try await pollUntil("broker \(leader)'s replica was not moved offline: \(String(describing: state))\n\(ProducerRun.brokerLogTails(cluster))", timeout: .seconds(60)) {
                state = try await DataPlane.partitionState(zooKeeper, topic, 0)
                return state.map { $0.leader >= 0 && $0.leader != Int32(leader) && !$0.isr.contains(Int32(leader)) } ?? false
            }
            try await run.waitForAcknowledged(faultAt + 1_000, within: .seconds(120), cluster: cluster)

            // The controller read and deleted the notification; the broker is alive and serving its other dir.
            try await pollUntil("the controller consumes /log_dir_event_notification", timeout: .seconds(30)) {
                try await zooKeeper.getChildren(ZNodePaths.logDirEventNotification).children.isEmpty
            }
            #expect(try cluster.cluster.status().brokers.first { $0.id == leader }?.pid != nil, "broker \(leader) stopped")
            let brokerLog = try String(contentsOfFile: try #require(cluster.descriptor.brokers.first { $0.id == leader }).log, encoding: .utf8)
            #expect(brokerLog.contains("Stopping serving replicas in dir"))
            // Metadata (v5+ offline_replicas) shows the replica offline, as kafka-topics.sh --describe does.
            var described = ""
            try await pollUntil("describe: \(described)", timeout: .seconds(30)) {
                let result = try Command.run(
                    [try ZKafkaExecutable.path(), "topics", "--bootstrap-server", cluster.bootstrapServers, "--describe", "--topic", topic],
                    timeout: .seconds(30))
                described = result.standardOutput
                return described.contains("Offline: \(leader)")
            }

            try await run.finish()
            let consumedPath = run.scratch + "/consumed.txt"
            let consumerSummary = try DataPlane.python("kafka_client.py", ["consume", cluster.bootstrapServers, topic, "--out", consumedPath])
            let acknowledged = try DataPlane.readRecords(run.acked)
            let missing = GeneratedRecords.missing(acknowledged: acknowledged, consumed: try DataPlane.readRecords(consumedPath))
            #expect(acknowledged.count > faultAt)
            #expect(missing.isEmpty, "acknowledged \(acknowledged.count), missing \(missing.count): \(missing.prefix(5)); \(consumerSummary)")

            // Its last log dir fails too: with no live dir left the broker stops, as Kafka halts.
            let second = "log-dir-failure-last"
            try await DataPlane.createTopic(cluster, second, partitions: 1, replicationFactor: 3)
            let lastDir = try #require(
                [base, base + "-2"].map { "\($0)/\(second)-0" }.first { FileManager.default.fileExists(atPath: $0) },
                "broker \(leader) placed \(second)-0 in no live dir")
            let lastSegment = lastDir + "/" + String(repeating: "0", count: 20) + ".log"
            // Segment files are created on the first append: write one acknowledged record so the file exists
            // before it is made immutable.
            let first = run.scratch + "/last-first.txt"
            try "record-first\n".write(toFile: first, atomically: true, encoding: .utf8)
            try await pollUntil("the first record of \(second) reached broker \(leader)'s segment \(lastSegment)", timeout: .seconds(60), every: .milliseconds(500)) {
                if !FileManager.default.fileExists(atPath: lastSegment) {
                    _ = try Command.run(
                        ["/usr/bin/kcat", "-b", cluster.bootstrapServers, "-P", "-t", second, "-X", "acks=all", "-X", "message.timeout.ms=10000", "-l", first],
                        timeout: .seconds(30))
                }
                return FileManager.default.fileExists(atPath: lastSegment)
            }
            try ChattrFault.set(lastSegment, immutable: true)
            defer { try? ChattrFault.set(lastSegment, immutable: false) }
            let input = run.scratch + "/last.txt"
            try (0..<50).map { "record-\($0)\n" }.joined().write(toFile: input, atomically: true, encoding: .utf8)
            // Whether kcat's sends all succeed is not the point (the broker dies under them); the append that fails is.
            _ = try Command.run(
                ["/usr/bin/kcat", "-b", cluster.bootstrapServers, "-P", "-t", second, "-X", "acks=all", "-X", "message.timeout.ms=20000", "-l", input],
                timeout: .seconds(60))
            try await pollUntil("broker \(leader) kept running with every log dir offline", timeout: .seconds(60)) {
                try cluster.cluster.status().brokers.first { $0.id == leader }?.pid == nil
            }
            let finalLog = (try? String(contentsOfFile: try #require(cluster.descriptor.brokers.first { $0.id == leader }).log, encoding: .utf8)) ?? ""
            #expect(finalLog.contains("Shutdown broker because all log dirs"))
        }
    }
}

/// `chattr +i` on a file: `pwrite` then fails with EPERM, even for root and on a descriptor opened before.
enum ChattrFault {
    static let available: Bool = {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/chattr") else { return false }
        let probe = NSTemporaryDirectory() + "chattr-probe-" + UUID().uuidString
        FileManager.default.createFile(atPath: probe, contents: Data([1]))
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard (try? set(probe, immutable: true)) != nil else { return false }
        try? set(probe, immutable: false)
        return true
    }()

    static func set(_ path: String, immutable: Bool) throws {
        let result = try Command.run(["/usr/bin/chattr", immutable ? "+i" : "-i", path], timeout: .seconds(10))
        guard result.status == 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
    }
}

/// True once `condition` holds within `timeout` (the kit's `pollUntil`), false otherwise, so each
/// check above can say what it saw.
private func eventually(within timeout: Duration, _ condition: () async throws -> Bool) async -> Bool {
    do {
        try await pollUntil("condition", timeout: timeout, every: .milliseconds(200), condition)
        return true
    } catch {
        return false
    }
}
