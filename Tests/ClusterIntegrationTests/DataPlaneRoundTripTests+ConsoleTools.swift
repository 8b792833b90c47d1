import Foundation
import KafkaTestKit
import Testing

extension DataPlaneRoundTripTests {
    /// The project's console tools end to end, onto a topic that does not exist yet: the producer's
    /// Metadata request lets the broker create it (`auto.create.topics.enable`, with `num.partitions`
    /// and `default.replication.factor`, both 1 here), and the consumer prints the keyed lines back
    /// in order.
    @Test func consoleTools_autoCreateTheTopic_andRoundTripKeyedLines() async throws {
        let cluster = try RunningCluster.current
        let topic = "console-auto-created"
        let zkafka = try ZKafkaExecutable.path()
        let scratch = try DataPlane.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let input = scratch + "/lines.txt"
        let lines = (0..<500).map { "key-\($0):value-\($0)\n" }.joined()
        try lines.write(toFile: input, atomically: true, encoding: .utf8)
        #expect(try ClusterZooKeeperScripts.existing(["/brokers/topics/\(topic)"]).isEmpty)

        let produce = try Command.run(
            ["/bin/sh", "-c",
             "\"$0\" console-producer --bootstrap-server \"$1\" --topic \"$2\" --property parse.key=true --property key.separator=: --request-required-acks all < \"$3\"",
             zkafka, cluster.bootstrapServers, topic, input],
            timeout: .seconds(120))
        #expect(produce.status == 0, "console-producer failed: \(produce.standardError.suffix(2000))")
        let node = try #require(try ClusterZooKeeperScripts.json("/brokers/topics/\(topic)"), "the topic was not auto-created")
        #expect((node["partitions"] as? [String: [Int]])?.count == 1)

        let consume = try Command.run(
            [zkafka, "console-consumer", "--bootstrap-server", cluster.bootstrapServers, "--topic", topic, "--from-beginning",
             "--property", "print.key=true", "--property", "key.separator=:", "--max-messages", "500", "--timeout-ms", "30000"],
            timeout: .seconds(120))
        #expect(consume.status == 0, "console-consumer failed: \(consume.standardError.suffix(2000))")
        #expect(consume.standardOutput == lines)
        #expect(consume.standardError.contains("Processed a total of 500 messages"))
    }
}
