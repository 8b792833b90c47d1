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

    /// The project's own producer compresses with every codec Kafka has (`compression.type`), through the system
    /// libraries, and librdkafka (kcat) reads the batches back: the framings agree with Kafka's.
    @Test(arguments: ["snappy", "lz4", "zstd"])
    func consoleProducer_compressesWithEveryCodec_kcatReadsItBack(codec: String) async throws {
        let cluster = try RunningCluster.current
        let topic = "console-\(codec)"
        try await DataPlane.createTopic(cluster, topic, partitions: 1, replicationFactor: 3)
        let scratch = try DataPlane.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let input = scratch + "/lines.txt"
        let lines = (0..<2_000).map { "key-\($0 % 10):value-\($0)\n" }.joined()
        try lines.write(toFile: input, atomically: true, encoding: .utf8)
        let produce = try Command.run(
            ["/bin/sh", "-c",
             "\"$0\" console-producer --bootstrap-server \"$1\" --topic \"$2\" --property parse.key=true --property key.separator=: "
                + "--request-required-acks all --producer-property compression.type=\"$4\" --producer-property linger.ms=20 < \"$3\"",
             try ZKafkaExecutable.path(), cluster.bootstrapServers, topic, input, codec],
            timeout: .seconds(120))
        #expect(produce.status == 0, "console-producer \(codec) failed: \(produce.standardError.suffix(2000))")
        let consume = try Command.run(
            ["/usr/bin/kcat", "-C", "-b", cluster.bootstrapServers, "-t", topic, "-e", "-o", "beginning", "-q", "-f", "%k:%s\n"],
            timeout: .seconds(60))
        #expect(consume.status == 0, "kcat -C: \(consume.standardError)")
        #expect(consume.standardOutput == lines, "\(codec): \(consume.standardOutput.prefix(300))")
        // The stored batches carry the codec (attributes bits 0-2 of the first batch, at byte 21 of the segment).
        let segment = try DataPlane.firstSegment(cluster, broker: cluster.descriptor.brokers[0].id, topic, 0)
        let bytes = try #require(FileManager.default.contents(atPath: segment))
        try #require(bytes.count > 23)
        let expectedBits = ["snappy": 2, "lz4": 3, "zstd": 4][codec]!
        #expect(Int(bytes[22] & 0x07) == expectedBits, "first batch's attributes: \(bytes[21]) \(bytes[22])")
    }
}
