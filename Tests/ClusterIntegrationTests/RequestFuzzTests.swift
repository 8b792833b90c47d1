import Foundation
import KafkaTestKit
import Testing

/// `zkafka fuzz` against every broker of a real cluster: the regression cases (CreateTopics for 2^31 - 1
/// partitions among them) are answered by the controller, thousands of mutated frames of every advertised API
/// leave every broker answering, and afterwards the cluster still creates a topic and round-trips records with
/// kcat. Seeds are fixed; `ZKAFKA_FUZZ_FRAMES` raises the frame count for a long run.
@Suite(.tags(.cluster), .requiresZooKeeper, .cluster, .serialized, .timeLimit(.minutes(8)))
struct RequestFuzzTests {
    @Test func mutatedFrames_everyBrokerKeepsAnswering_clusterStillCreatesAndRoundTrips() async throws {
        let cluster = try RunningCluster.current
        let frames = Int(ProcessInfo.processInfo.environment["ZKAFKA_FUZZ_FRAMES"] ?? "") ?? 4_000
        for broker in cluster.descriptor.brokers {
            let result = try Command.run(
                [try ZKafkaExecutable.path(), "fuzz", "--bootstrap-server", "\(broker.host):\(broker.port)",
                 "--frames", String(frames), "--seed", String(1_000 + broker.id)],
                timeout: .seconds(Int64(120 + frames / 50)))
            #expect(result.status == 0, "fuzz of broker \(broker.id) failed:\n\(result.standardOutput.suffix(4_000))\n\(result.standardError.suffix(2_000))")
            #expect(result.standardOutput.contains("fuzz: broker kept answering"))
            // The frame that once wedged a broker is refused by name, not computed.
            let wedge = result.standardOutput.split(separator: "\n").filter { $0.contains("2147483647 partitions") }
            #expect(wedge.count == 4 && wedge.allSatisfy { $0.contains("(44)") && $0.contains("max.partitions") }, "\(wedge)")
        }

        // Every broker answers a real client, and the cluster still creates a topic and round-trips records.
        try await DataPlane.createTopic(cluster, "after-fuzz", partitions: 3, replicationFactor: 3)
        let lines = (0..<1_000).map { "key-\($0):value-\($0)" }
        let scratch = try DataPlane.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: scratch + "/input.txt", atomically: true, encoding: .utf8)
        let produce = try Command.run(
            ["/usr/bin/kcat", "-P", "-b", cluster.bootstrapServers, "-t", "after-fuzz", "-K:", "-l", scratch + "/input.txt", "-X", "acks=all"],
            timeout: .seconds(60))
        #expect(produce.status == 0, "kcat -P failed: \(produce.standardError)")
        let consume = try Command.run(
            ["/usr/bin/kcat", "-b", cluster.bootstrapServers, "-C", "-t", "after-fuzz", "-o", "beginning", "-e", "-c", "1000",
             "-f", "%k:%s\\n"],
            timeout: .seconds(60))
        #expect(consume.status == 0, "kcat -C failed: \(consume.standardError)")
        #expect(Set(consume.standardOutput.split(separator: "\n").map(String.init)) == Set(lines))
        for broker in cluster.descriptor.brokers {
            let metadata = try Command.run(
                ["/usr/bin/kcat", "-b", "\(broker.host):\(broker.port)", "-L", "-t", "after-fuzz", "-m", "15"], timeout: .seconds(30))
            #expect(metadata.status == 0 && metadata.standardOutput.contains("3 partitions"), "broker \(broker.id): \(metadata.standardError)")
        }
    }
}
