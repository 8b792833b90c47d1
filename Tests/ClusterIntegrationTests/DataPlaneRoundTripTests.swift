import Foundation
import KafkaTestKit
import Testing

/// Records produced and consumed by real clients — kcat (librdkafka 2.0), confluent-kafka
/// (librdkafka 1.7) and kafka-python — through 3 ZKafka brokers, each topic replicated 3 times:
/// every record comes back once, with its key, value and headers, in production order within its
/// partition at consecutive offsets.
@Suite(.cluster, .serialized, .timeLimit(.minutes(6)))
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
}
