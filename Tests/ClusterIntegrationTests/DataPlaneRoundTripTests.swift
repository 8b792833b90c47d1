import Foundation
import KafkaTestKit
import Testing

/// Records produced and consumed by real clients — kcat (librdkafka 2.0), confluent-kafka
/// (librdkafka 1.7) and kafka-python — through 3 ZKafka brokers, each topic replicated 3 times:
/// every record comes back once, with its key, value and headers, in production order within its
/// partition at consecutive offsets.
@Suite(.tags(.cluster), .requiresZooKeeper, .cluster, .serialized, .timeLimit(.minutes(6)))
struct DataPlaneRoundTripTests {
    static let recordCount = 100_000

    @Test func kcat_producesAndConsumes100kKeyedRecordsWithHeaders() async throws {
        let cluster = try RunningCluster.current
        let topic = "kcat-round-trip"
        try await DataPlane.createTopic(cluster, topic, partitions: 3, replicationFactor: 3)
        let scratch = try DataPlane.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        let input = scratch + "/records.txt"
        let lines = (0..<Self.recordCount).map { "\(GeneratedRecords.key($0)):value-\($0)\n" }.joined()
        try lines.write(toFile: input, atomically: true, encoding: .utf8)
        let produce = try Command.run(
            ["/usr/bin/kcat", "-P", "-b", cluster.bootstrapServers, "-t", topic, "-K:", "-H", "h=v", "-l", input,
             "-X", "acks=all", "-X", "linger.ms=5"],
            timeout: .seconds(180))
        #expect(produce.status == 0, "kcat -P failed: \(produce.standardError.suffix(2000))")
        #expect(!produce.standardError.contains("Delivery failed"), "\(produce.standardError.suffix(2000))")

        let consume = try Command.run(
            ["/usr/bin/kcat", "-C", "-b", cluster.bootstrapServers, "-t", topic, "-e", "-o", "beginning", "-q",
             "-f", "%k %s %h %p %o\n"],
            timeout: .seconds(180))
        #expect(consume.status == 0, "kcat -C failed: \(consume.standardError.suffix(2000))")
        let consumed = consume.standardOutput.split(separator: "\n").compactMap(RecordLine.init(kcatLine:))
        let problems = GeneratedRecords.problems(consumed: consumed, count: Self.recordCount) { _ in "h=v" }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        // Keys hash to every partition.
        #expect(Set(consumed.map(\.partition)) == [0, 1, 2])
        // Followers replicate through fetch sessions (KIP-227): every broker leads a partition of
        // this topic, so each holds a session for each of the other two brokers' fetchers.
        for broker in cluster.descriptor.brokers {
            let text = try DataPlane.metrics(cluster, broker: broker.id)
            let sessions = DataPlane.sample(text, "kafka_server_FetchSessionCache_NumIncrementalFetchSessions") ?? 0
            #expect(sessions >= 2, "broker \(broker.id) holds \(sessions) fetch sessions")
        }
    }

    @Test func confluentKafka_acksAll_100kRecords_consumedWithAssignFromTheBeginning() async throws {
        let cluster = try RunningCluster.current
        let topic = "confluent-round-trip"
        try await DataPlane.createTopic(cluster, topic, partitions: 3, replicationFactor: 3)
        let scratch = try DataPlane.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        let produced = try DataPlane.python(
            "confluent_client.py",
            ["produce", cluster.bootstrapServers, topic, "--count", String(Self.recordCount), "--acked", scratch + "/acked.txt"])
        #expect(produced["acknowledged"] as? Int == Self.recordCount, "producer: \(produced)")
        #expect(produced["failed"] as? Int == 0, "producer: \(produced)")

        let consumedSummary = try DataPlane.python(
            "confluent_client.py", ["consume", cluster.bootstrapServers, topic, "--out", scratch + "/consumed.txt"])
        let consumed = try DataPlane.readRecords(scratch + "/consumed.txt")
        let problems = GeneratedRecords.problems(consumed: consumed, count: Self.recordCount) { "h=v,seq=\($0)" }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))\nconsumer: \(consumedSummary)")
        // Every record was consumed where its acknowledgement placed it.
        let acknowledged = try DataPlane.readRecords(scratch + "/acked.txt")
        let missing = GeneratedRecords.missing(acknowledged: acknowledged, consumed: consumed)
        #expect(missing.isEmpty, "\(missing.count) acknowledged records not at their offsets, first: \(missing.prefix(5))")
        // The high watermarks (ListOffsets latest) add up to the records produced.
        let highWatermarks = try #require(consumedSummary["highWatermarks"] as? [String: Int])
        #expect(highWatermarks.values.reduce(0, +) == Self.recordCount, "\(highWatermarks)")
    }

    @Test func kafkaPython_producesAndConsumesWithAssignAndSeekToBeginning() async throws {
        let cluster = try RunningCluster.current
        let topic = "kafka-python-round-trip"
        let count = 5_000
        try await DataPlane.createTopic(cluster, topic, partitions: 3, replicationFactor: 3)
        let scratch = try DataPlane.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        let produced = try DataPlane.python(
            "kafka_python_client.py", ["produce", cluster.bootstrapServers, topic, "--count", String(count), "--acked", scratch + "/acked.txt"])
        #expect(produced["acknowledged"] as? Int == count, "producer: \(produced)")

        let consumedSummary = try DataPlane.python(
            "kafka_python_client.py", ["consume", cluster.bootstrapServers, topic, "--out", scratch + "/consumed.txt"])
        let consumed = try DataPlane.readRecords(scratch + "/consumed.txt")
        let problems = GeneratedRecords.problems(consumed: consumed, count: count) { "h=v,seq=\($0)" }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))\nconsumer: \(consumedSummary)")
        let acknowledged = try DataPlane.readRecords(scratch + "/acked.txt")
        let missing = GeneratedRecords.missing(acknowledged: acknowledged, consumed: consumed)
        #expect(missing.isEmpty, "\(missing.count) acknowledged records not at their offsets, first: \(missing.prefix(5))")
    }

    /// Batches compressed with every codec librdkafka offers are stored as sent and read back, and
    /// ListOffsets by timestamp (`kcat -Q`) answers the first offset whose timestamp is at or after
    /// the one asked for, exactly, whatever the codec.
    @Test(arguments: ["none", "gzip", "snappy", "lz4", "zstd"])
    func compressedBatches_roundTrip_andListOffsetsByTimestampFindsTheirRecords(codec: String) async throws {
        let cluster = try RunningCluster.current
        let topic = "codec-\(codec)"
        let count = 2_000
        try await DataPlane.createTopic(cluster, topic, partitions: 1, replicationFactor: 3)
        let scratch = try DataPlane.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let input = scratch + "/records.txt"
        try (0..<count).map { "\(GeneratedRecords.key($0)):value-\($0)\n" }.joined().write(toFile: input, atomically: true, encoding: .utf8)
        // Small batches, so the timestamps asked for below fall inside a batch, not at its start.
        let produce = try Command.run(
            ["/usr/bin/kcat", "-P", "-b", cluster.bootstrapServers, "-t", topic, "-K:", "-H", "h=v", "-l", input, "-z", codec,
             "-X", "acks=all", "-X", "batch.num.messages=100"],
            timeout: .seconds(60))
        try #require(produce.status == 0, "kcat -P -z \(codec): \(produce.standardError)")

        let consume = try Command.run(
            ["/usr/bin/kcat", "-C", "-b", cluster.bootstrapServers, "-t", topic, "-e", "-o", "beginning", "-q", "-f", "%k %s %h %p %o %T\n"],
            timeout: .seconds(60))
        #expect(consume.status == 0, "kcat -C: \(consume.standardError)")
        let lines = consume.standardOutput.split(separator: "\n")
        let consumed = lines.compactMap { line in RecordLine(kcatLine: line.split(separator: " ").dropLast().joined(separator: " ")[...]) }
        let problems = GeneratedRecords.problems(consumed: consumed, count: count) { _ in "h=v" }
        #expect(problems.isEmpty, "\(codec): \(problems.joined(separator: "\n"))")
        let timestamps = lines.compactMap { $0.split(separator: " ").last.flatMap { Int64($0) } }
        try #require(timestamps.count == count)

        // Kafka's answer: the smallest offset whose record timestamp is ≥ the one asked for.
        for probe in [count / 3, count / 2 + 7, count - 1] {
            let target = timestamps[probe]
            let expected = timestamps.firstIndex { $0 >= target }!
            let query = try Command.run(
                ["/usr/bin/kcat", "-Q", "-b", cluster.bootstrapServers, "-t", "\(topic):0:\(target)"], timeout: .seconds(30))
            // Every codec is decompressed by the broker (system zlib, libsnappy, liblz4, libzstd): exact answers.
            #expect(
                query.standardOutput.contains("\(topic) [0] offset \(expected)"),
                "\(codec): ListOffsets for timestamp \(target) (record \(probe)): \(query.standardOutput)\(query.standardError)")
        }
    }
}
