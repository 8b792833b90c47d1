import Foundation
import KafkaTestKit
import Testing

/// A restarted KRaft broker's replicas rejoin every ISR at a few hundred partitions: its partitions' leaders
/// batch the ISR expansions into AlterPartition requests (Kafka 3.3's `AlterPartitionManager`: every pending change
/// in one request, one request in flight). With one request per partition over the heartbeats' connection, the
/// late requests of a burst timed out and their retries met INVALID_UPDATE_VERSION, so ISRs stayed short.
extension KRaftBrokerProcessTests {
    @Test func restartedBroker_rejoinsEveryIsr_atHundredsOfPartitions() async throws {
        // KRAFT_ISR_REFILL_PARTITIONS measures other sizes (docs/kraft.md has 1,000).
        let partitions = ProcessInfo.processInfo.environment["KRAFT_ISR_REFILL_PARTITIONS"].flatMap { Int($0) } ?? 300
        let cluster = try KRaftClusterProcesses(brokerProperties: ["auto.create.topics.enable=false", "offsets.topic.replication.factor=3"])
        defer { cluster.stopAll() }
        try cluster.startAll()
        for id in cluster.brokerIDs {
            _ = try await poll("broker \(id) sees 3 live brokers", timeout: .seconds(90), every: .milliseconds(250), detail: cluster.logTails) { () -> Bool? in
                guard cluster.log(id).contains("Transition from RECOVERY to RUNNING") else { return nil }
                let summary = try? Self.python(
                    Self.script("kraft_admin.py"), ["brokers", "127.0.0.1:\(cluster.brokerPorts[id]!)", "-"], timeout: .seconds(60))
                return (summary?["brokers"] as? [Int])?.count == 3 ? true : nil
            }
        }
        let topic = "isr-refill"
        let created = try Self.python(Self.script("kraft_admin.py"), ["create", cluster.bootstrapServers, topic, "\(partitions)", "3"])
        #expect(created["error"] is NSNull, "CreateTopics failed: \(created)")
        func isrs() -> [Int: (Int, [Int])]? {
            guard let view = Self.leaders(cluster, topic), view.partitions.count == partitions else { return nil }
            return view.partitions
        }
        _ = try await poll("\(partitions) partitions led with full ISRs", timeout: .seconds(90), every: .milliseconds(500), detail: cluster.logTails) { () -> Bool? in
            isrs()?.values.allSatisfy { $0.0 >= 0 && $0.1.count == 3 } == true ? true : nil
        }

        // kill -9 a broker: once fenced it leaves every ISR (the controller shrinks them).
        let victim = cluster.brokerIDs[0]
        cluster.kill9(victim)
        _ = try await poll("broker \(victim) out of every ISR", timeout: .seconds(90), every: .milliseconds(500), detail: cluster.logTails) { () -> Bool? in
            isrs()?.values.allSatisfy { $0.0 >= 0 && !$0.1.contains(Int(victim)) } == true ? true : nil
        }

        // Restart it: its replicas catch up and every leader puts it back through AlterPartition.
        try cluster.start(victim)
        let clock = ContinuousClock()
        let restarted = clock.now
        _ = try await poll("broker \(victim) back in all \(partitions) ISRs", timeout: .seconds(120), every: .milliseconds(500), detail: cluster.logTails) { () -> Bool? in
            isrs()?.values.allSatisfy { $0.1.count == 3 } == true ? true : nil
        }
        let requests = cluster.brokerIDs.map { id in
            cluster.log(id).components(separatedBy: "\n").filter { $0.contains("AlterPartition with ") && $0.contains(" ISR changes answered") }.count
        }.reduce(0, +)
        print("ISR refill: broker \(victim) back in all \(partitions) ISRs \(clock.now - restarted) after its restart; \(requests) AlterPartition requests in the run")
        #expect(requests > 0)
    }
}
