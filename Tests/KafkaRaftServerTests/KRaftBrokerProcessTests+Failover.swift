import ChildProcess
import Foundation
import KafkaTestKit
import Testing

/// Issue 10's "Done when": real clients produce and consume on a KRaft cluster (3 controllers, 3 KRaft brokers)
/// through an active-controller kill -9 and a partition-leader kill -9, and no acknowledged record is lost.
/// confluent_kafka produces acks=all without pause to an RF 3 topic (min.insync.replicas=2) for the whole run.
/// In the KRaft broker suite, so it never runs beside the suite's other clusters.
extension KRaftBrokerProcessTests {
    /// Lines in the producer's acknowledgement file so far (it writes one per acknowledged record, line-buffered).
    static func acknowledgedCount(_ path: String) -> Int {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
        return text.utf8.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    }

    @Test func activeControllerAndLeaderKilled_underContinuousProduce_loseNoAcknowledgedRecord() async throws {
        let cluster = try KRaftClusterProcesses(brokerProperties: [
            "offsets.topic.replication.factor=3", "min.insync.replicas=2", "auto.create.topics.enable=false",
        ])
        defer { cluster.stopAll() }
        let scratch = cluster.root + "/scratch"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        try cluster.startAll()
        for id in cluster.brokerIDs {
            _ = try await poll("broker \(id) sees 3 live brokers", timeout: .seconds(90), every: .milliseconds(250), detail: cluster.logTails) { () -> Bool? in
                guard cluster.log(id).contains("Transition from RECOVERY to RUNNING") else { return nil }
                let summary = try? Self.python(
                    Self.script("kraft_admin.py"), ["brokers", "127.0.0.1:\(cluster.brokerPorts[id]!)", "-"],
                    timeout: .seconds(60))
                return (summary?["brokers"] as? [Int])?.count == 3 ? true : nil
            }
        }
        let topic = "kraft-failover"
        let created = try Self.python(
            Self.script("kraft_admin.py"), ["create", cluster.bootstrapServers, topic, "3", "3"])
        #expect(created["error"] is NSNull, "CreateTopics failed: \(created)")
        _ = try await poll("every partition led with a full ISR", timeout: .seconds(60), every: .milliseconds(250), detail: cluster.logTails) { () -> Bool? in
            guard let view = Self.leaders(cluster, topic), view.partitions.count == 3,
                view.partitions.values.allSatisfy({ $0.0 >= 0 && $0.1.count == 3 })
            else { return nil }
            return true
        }
        try await Self.waitUntilEveryBrokerKnows(cluster, topic, partitions: 3)

        // One producer for the whole run: a record every 2 ms, acks=all, retried until delivered.
        let acked = scratch + "/acked.txt"
        let stop = scratch + "/stop"
        let producer = try ChildProcess.spawn(ChildProcessOptions(
            ["/usr/bin/python3", Self.clientScript, "produce", cluster.bootstrapServers, topic,
             "--until-file", stop, "--acked", acked, "--interval-ms", "2"],
            standardOutput: .file(scratch + "/producer.out", append: false), standardError: .file(scratch + "/producer.err", append: false)))
        defer { if producer.isRunning { _ = producer.stop(signal: SIGKILL, grace: .seconds(5)) } }
        func acknowledgedGrows(by count: Int, _ what: String) async throws {
            let start = Self.acknowledgedCount(acked)
            _ = try await poll("\(count) more records acknowledged \(what)", timeout: .seconds(90), every: .milliseconds(200), detail: cluster.logTails) {
                Self.acknowledgedCount(acked) >= start + count ? true : nil
            }
        }
        try await acknowledgedGrows(by: 500, "before any failure")

        // 1. kill -9 the active controller. A survivor takes over in a higher epoch; records keep being acknowledged.
        let old = try await poll("an active controller", timeout: .seconds(30), every: .milliseconds(200), detail: cluster.logTails) {
            await cluster.activeController(among: cluster.controllerIDs)
        }
        cluster.kill9(old.id)
        let survivors = cluster.controllerIDs.filter { $0 != old.id }
        let new = try await poll("a new active controller after \(old.id) (epoch \(old.epoch)) was killed", timeout: .seconds(60), every: .milliseconds(200), detail: cluster.logTails) { () -> (id: Int32, epoch: Int32)? in
            guard let active = await cluster.activeController(among: survivors), active.epoch > old.epoch else { return nil }
            return active
        }
        #expect(new.id != old.id && new.epoch > old.epoch)
        try await acknowledgedGrows(by: 500, "after the controller failover")

        // 2. kill -9 the leader of partition 0: the new active controller fences it (session timeout) and an ISR
        //    member leads; the producer's retries land there.
        guard let before = Self.leaders(cluster, topic), let p0 = before.partitions[0], p0.0 >= 0 else {
            Issue.record("no leader for partition 0 before the broker kill")
            return
        }
        let victim = Int32(p0.0)
        cluster.kill9(victim)
        let releader = try await poll("partition 0 re-led after broker \(victim) was killed", timeout: .seconds(60), every: .milliseconds(250), detail: cluster.logTails) { () -> Int? in
            guard let view = Self.leaders(cluster, topic), let p0 = view.partitions[0], p0.0 >= 0, p0.0 != Int(victim)
            else { return nil }
            return p0.0
        }
        #expect(p0.1.contains(releader), "partition 0 re-led by \(releader), not an ISR member of \(p0.1)")
        try await acknowledgedGrows(by: 500, "after the leader kill")

        // 3. The killed controller restarts and rejoins as a follower of the new leader, catching up its log.
        try cluster.start(old.id)
        _ = try await poll("controller \(old.id) follows \(new.id) and has caught up", timeout: .seconds(60), every: .milliseconds(250), detail: cluster.logTails) { () -> Bool? in
            guard let own = await cluster.describeQuorum(old.id), own.errorCode != 0, own.leaderId >= 0,
                let leader = await cluster.describeQuorum(own.leaderId), leader.errorCode == 0, leader.leaderEpoch >= new.epoch,
                let replica = leader.currentVoters.first(where: { $0.replicaId == old.id }), replica.logEndOffset >= leader.highWatermark
            else { return nil }
            return true
        }

        // Stop producing, then every acknowledged record must be there, at its partition and offset, with its key and value.
        FileManager.default.createFile(atPath: stop, contents: Data())
        let status = await producer.exit(timeout: .seconds(170))
        #expect(status == .exited(0), "producer: \(status.map(\.description) ?? "still running") \((try? String(contentsOfFile: scratch + "/producer.err", encoding: .utf8)) ?? "")")
        let summaryLine = (try? String(contentsOfFile: scratch + "/producer.out", encoding: .utf8))?.split(separator: "\n").last.map(String.init) ?? ""
        let summary = (try? JSONSerialization.jsonObject(with: Data(summaryLine.utf8))) as? [String: Any] ?? [:]

        let consumed = try Self.python(
            Self.clientScript, ["consume", cluster.bootstrapServers, topic, "--out", scratch + "/consumed.txt"])
        let acknowledgedLines = try String(contentsOfFile: acked, encoding: .utf8).split(separator: "\n").count
        let acknowledged = try Self.records(acked)
        let read = try Self.records(scratch + "/consumed.txt")
        let missing = acknowledged.subtracting(read)
        print("KRaft failover: controller \(old.id) (epoch \(old.epoch)) → \(new.id) (epoch \(new.epoch)); partition 0's leader \(victim) → \(releader); \(acknowledged.count) records acknowledged, \(missing.count) missing; producer: \(summaryLine)")
        #expect(acknowledged.count == acknowledgedLines, "two acknowledgements for one partition and offset")
        #expect(acknowledged.count >= 1_500 && summary["acknowledged"] as? Int == acknowledged.count, "producer summary: \(summary)")
        #expect(missing.isEmpty, "\(missing.count) of \(acknowledged.count) acknowledged records missing, e.g. \(missing.prefix(5)); consume: \(consumed)")
    }
}
