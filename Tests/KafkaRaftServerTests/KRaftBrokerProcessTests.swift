import Foundation
import KafkaTestKit
import ChildProcess
import Testing

/// A KRaft cluster as real processes (3 controllers, 3 KRaft brokers) with real clients: a topic created
/// through a broker with confluent_kafka's AdminClient, 10,000 records produced acks=all and consumed back;
/// the leader of a partition killed with SIGKILL, the partition re-led by another broker, and every
/// acknowledged record still there. Then a controlled shutdown through heartbeats.
@Suite("KRaft brokers as processes", .tags(.cluster), .serialized, .timeLimit(.minutes(6)))
struct KRaftBrokerProcessTests {
    static func script(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts/\(name)").path
    }

    static var clientScript: String {
        // The repository's one confluent-kafka client script (also run by `zkafka demo` and `zkafka chaos`).
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/kafka_client.py").path
    }

    /// Runs a Python client; its last stdout line is a JSON summary.
    static func python(_ script: String, _ arguments: [String], timeout: Duration = .seconds(180)) throws -> [String: Any] {
        let result = try Command.run(["/usr/bin/python3", script] + arguments, timeout: timeout)
        guard result.status == 0 else {
            throw QuorumTestError("\(script) \(arguments.first ?? "") exited \(result.status): \(result.standardError.suffix(3_000))")
        }
        let line = result.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
        guard let summary = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw QuorumTestError("no JSON summary from \(script): \(result.standardOutput.suffix(2_000)) \(result.standardError.suffix(2_000))")
        }
        return summary
    }

    /// partition → (leader, ISR) as a client sees it through `bootstrap`, or nil while unavailable.
    static func leaders(
        _ cluster: KRaftClusterProcesses, _ topic: String, via bootstrap: String? = nil
    ) -> (controller: Int, partitions: [Int: (Int, [Int])])? {
        guard let summary = try? python(script("kraft_admin.py"), ["leaders", bootstrap ?? cluster.bootstrapServers, topic], timeout: .seconds(60)),
            let partitions = summary["partitions"] as? [String: [Any]]
        else { return nil }
        var result: [Int: (Int, [Int])] = [:]
        for (key, value) in partitions {
            guard let p = Int(key), let leader = value.first as? Int, let isr = value.last as? [Int] else { return nil }
            result[p] = (leader, isr)
        }
        return ((summary["controller"] as? Int) ?? -1, result)
    }

    /// Waits until every running broker's own metadata shows `count` partitions of `topic`, each led. A producer
    /// bootstraps from all brokers: one still replaying the topic's records would answer with fewer partitions,
    /// and librdkafka fails the records of a partition that disappears (_UNKNOWN_PARTITION).
    static func waitUntilEveryBrokerKnows(_ cluster: KRaftClusterProcesses, _ topic: String, partitions count: Int) async throws {
        for id in cluster.brokerIDs where cluster.isRunning(id) {
            _ = try await poll("broker \(id) knows \(count) led partitions of \(topic)", timeout: .seconds(60), every: .milliseconds(250), detail: cluster.logTails) { () -> Bool? in
                guard let view = leaders(cluster, topic, via: "127.0.0.1:\(cluster.brokerPorts[id]!)"), view.partitions.count == count,
                    view.partitions.values.allSatisfy({ $0.0 >= 0 })
                else { return nil }
                return true
            }
        }
    }

    /// "partition offset key value headers" lines → the set of (partition, offset, value).
    static func records(_ path: String) throws -> Set<String> {
        Set(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            line.split(separator: " ").prefix(4).joined(separator: " ")
        })
    }

    @Test func produceConsumeAndLeaderKill_loseNoAcknowledgedRecord() async throws {
        let cluster = try KRaftClusterProcesses(brokerProperties: [
            "offsets.topic.replication.factor=3", "min.insync.replicas=2", "auto.create.topics.enable=false",
        ])
        defer { cluster.stopAll() }
        let scratch = cluster.root + "/scratch"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        try cluster.startAll()
        for id in cluster.brokerIDs {
            _ = try await poll("broker \(id) unfenced", timeout: .seconds(60), every: .milliseconds(250), detail: cluster.logTails) {
                cluster.log(id).contains("Transition from RECOVERY to RUNNING") ? true : nil
            }
        }

        // Each broker's metadata names all three live brokers (its cache has caught up with the others' unfencing).
        for id in cluster.brokerIDs {
            _ = try await poll("broker \(id) sees 3 live brokers", timeout: .seconds(60), every: .milliseconds(250), detail: cluster.logTails) { () -> Bool? in
                let summary = try? Self.python(
                    Self.script("kraft_admin.py"), ["brokers", "127.0.0.1:\(cluster.brokerPorts[id]!)", "-"], timeout: .seconds(60))
                return (summary?["brokers"] as? [Int])?.count == 3 ? true : nil
            }
        }
        let topic = "kraft-orders"
        let created = try Self.python(Self.script("kraft_admin.py"), ["create", cluster.bootstrapServers, topic, "3", "3"])
        #expect(created["error"] is NSNull, "CreateTopics failed: \(created)")
        let initial = try await poll("every partition led with a full ISR", timeout: .seconds(60), every: .milliseconds(250), detail: cluster.logTails) { () -> [Int: (Int, [Int])]? in
            guard let view = Self.leaders(cluster, topic), view.partitions.count == 3,
                view.partitions.values.allSatisfy({ $0.0 >= 0 && $0.1.count == 3 })
            else { return nil }
            // Kafka 3.3: Metadata names a live broker as controller, never a controller node.
            #expect(cluster.brokerIDs.map(Int.init).contains(view.controller))
            return view.partitions
        }
        try await Self.waitUntilEveryBrokerKnows(cluster, topic, partitions: 3)

        let produced = try Self.python(
            Self.clientScript, ["produce", cluster.bootstrapServers, topic, "--count", "10000", "--acked", scratch + "/acked-1.txt"])
        #expect(produced["acknowledged"] as? Int == 10_000, "produce: \(produced)")

        // Kill the leader of partition 0 and wait until another ISR member leads it.
        let victim = Int32(initial[0]!.0)
        cluster.kill9(victim)
        let releds = try await poll("partition 0 re-led after broker \(victim) was killed", timeout: .seconds(60), every: .milliseconds(250), detail: cluster.logTails) { () -> Int? in
            guard let view = Self.leaders(cluster, topic), let p0 = view.partitions[0], p0.0 >= 0, p0.0 != Int(victim) else { return nil }
            return p0.0
        }
        #expect(initial[0]!.1.contains(releds))

        // Writes continue on the survivors (min.insync.replicas=2 of the 2 left).
        let more = try Self.python(
            Self.clientScript, ["produce", cluster.bootstrapServers, topic, "--count", "1000", "--acked", scratch + "/acked-2.txt"])
        #expect(more["acknowledged"] as? Int == 1_000, "produce after the kill: \(more)")

        let consumed = try Self.python(Self.clientScript, ["consume", cluster.bootstrapServers, topic, "--out", scratch + "/consumed.txt"])
        let acknowledged = try Self.records(scratch + "/acked-1.txt").union(try Self.records(scratch + "/acked-2.txt"))
        let read = try Self.records(scratch + "/consumed.txt")
        let missing = acknowledged.subtracting(read)
        #expect(acknowledged.count == 11_000)
        #expect(missing.isEmpty, "\(missing.count) acknowledged records missing, e.g. \(missing.prefix(5)); consume: \(consumed)")

        // The killed broker restarts: it registers again (a new incarnation once its old session expired),
        // replays the metadata log from its own disk, and its replicas catch up and rejoin the ISR.
        try cluster.start(victim)
        _ = try await poll("broker \(victim) back in every ISR", timeout: .seconds(90), every: .milliseconds(250), detail: cluster.logTails) { () -> Bool? in
            guard let view = Self.leaders(cluster, topic), view.partitions.count == 3,
                view.partitions.values.allSatisfy({ $0.1.contains(Int(victim)) })
            else { return nil }
            return true
        }

        // Controlled shutdown of a survivor through heartbeats: it exits cleanly and leads nothing afterwards.
        let leaving = cluster.brokerIDs.first { $0 != victim }!
        let status = try await cluster.terminate(leaving)
        #expect(status == .exited(0), "broker \(leaving) did not exit cleanly: \(String(cluster.log(leaving).suffix(2_000)))")
        #expect(cluster.log(leaving).contains("shut down completed"))
        _ = try await poll("broker \(leaving) leads nothing", timeout: .seconds(30), every: .milliseconds(250), detail: cluster.logTails) { () -> Bool? in
            guard let view = Self.leaders(cluster, topic), view.partitions.count == 3,
                view.partitions.values.allSatisfy({ $0.0 >= 0 && $0.0 != Int(leaving) })
            else { return nil }
            return true
        }
    }

    /// Combined mode: three `process.roles=broker,controller` nodes, each broker sharing its controller's Raft
    /// member. A topic RF 3, records produced and consumed back, and a node's SIGTERM moves its leaderships
    /// away before it exits.
    @Test func combinedNodes_serveClients_andShutDownCleanly() async throws {
        let cluster = try KRaftClusterProcesses(controllers: [1, 2, 3], brokers: [1, 2, 3], brokerProperties: ["auto.create.topics.enable=false"])
        defer { cluster.stopAll() }
        let scratch = cluster.root + "/scratch"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        try cluster.startAll()
        for id in cluster.brokerIDs {
            _ = try await poll("node \(id) sees 3 live brokers", timeout: .seconds(60), every: .milliseconds(250), detail: cluster.logTails) { () -> Bool? in
                let summary = try? Self.python(
                    Self.script("kraft_admin.py"), ["brokers", "127.0.0.1:\(cluster.brokerPorts[id]!)", "-"], timeout: .seconds(60))
                return (summary?["brokers"] as? [Int])?.count == 3 ? true : nil
            }
        }
        let topic = "combined"
        let created = try Self.python(Self.script("kraft_admin.py"), ["create", cluster.bootstrapServers, topic, "3", "3"])
        #expect(created["error"] is NSNull, "CreateTopics failed: \(created)")
        _ = try await poll("every partition led", timeout: .seconds(60), every: .milliseconds(250), detail: cluster.logTails) { () -> Bool? in
            guard let view = Self.leaders(cluster, topic), view.partitions.count == 3, view.partitions.values.allSatisfy({ $0.0 >= 0 }) else {
                return nil
            }
            return true
        }
        try await Self.waitUntilEveryBrokerKnows(cluster, topic, partitions: 3)
        let produced = try Self.python(
            Self.clientScript, ["produce", cluster.bootstrapServers, topic, "--count", "2000", "--acked", scratch + "/acked.txt"])
        #expect(produced["acknowledged"] as? Int == 2_000, "produce: \(produced)")
        _ = try Self.python(Self.clientScript, ["consume", cluster.bootstrapServers, topic, "--out", scratch + "/consumed.txt"])
        let missing = try Self.records(scratch + "/acked.txt").subtracting(try Self.records(scratch + "/consumed.txt"))
        #expect(missing.isEmpty, "\(missing.count) acknowledged records missing")

        // CreatePartitions through a broker, forwarded to the controller: a fourth partition, led.
        let grown = try Self.python(Self.script("kraft_admin.py"), ["partitions", cluster.bootstrapServers, topic, "4"])
        #expect(grown["error"] is NSNull, "CreatePartitions failed: \(grown)")
        _ = try await poll("4 partitions, all led", timeout: .seconds(60), every: .milliseconds(250), detail: cluster.logTails) { () -> Bool? in
            guard let view = Self.leaders(cluster, topic), view.partitions.count == 4, view.partitions.values.allSatisfy({ $0.0 >= 0 }) else {
                return nil
            }
            return true
        }

        let status = try await cluster.terminate(3)
        #expect(status == .exited(0), "node 3 did not exit cleanly: \(String(cluster.log(3).suffix(2_000)))")
        let after = try await poll("node 3 leads nothing", timeout: .seconds(30), every: .milliseconds(250), detail: cluster.logTails) { () -> Bool? in
            guard let view = Self.leaders(cluster, topic), view.partitions.count == 4,
                view.partitions.values.allSatisfy({ $0.0 >= 0 && $0.0 != 3 })
            else { return nil }
            return true
        }
        #expect(after)
    }
}
