import Foundation
import KafkaProtocol
import KafkaTestKit
import NIOCore
import Testing

/// Log compaction end to end (Kafka's log cleaner): a topic created with `cleanup.policy=compact`,
/// short `segment.ms` and a tiny `min.cleanable.dirty.ratio` gets many overwrites of few keys from
/// kcat; once the cleaner has run (every `log.cleaner.backoff.ms`, 2 s here), a consumer from
/// the beginning sees the latest value of every key and fewer records than were produced, and every
/// replica's segment files hold the same compacted records.
@Suite(.tags(.cluster), .requiresZooKeeper, .cluster(brokerOverrides: ["log.cleaner.backoff.ms": "2000"]), .serialized, .timeLimit(.minutes(5)))
struct LogCompactionTests {
    static let keys = 10
    static let overwrites = 3_000

    @Test func compactedTopic_keepsTheLatestValuePerKey_onEveryReplica() async throws {
        let cluster = try RunningCluster.current
        let topic = "compacted-overwrites"
        try await DataPlane.createTopic(
            cluster, topic, partitions: 1, replicationFactor: 3,
            configs: ["cleanup.policy": "compact", "segment.ms": "1000", "min.cleanable.dirty.ratio": "0.01"])
        let scratch = try DataPlane.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        func produce(_ lines: String) throws {
            let input = scratch + "/records-\(UUID().uuidString.prefix(6)).txt"
            try lines.write(toFile: input, atomically: true, encoding: .utf8)
            let result = try Command.run(
                ["/usr/bin/kcat", "-P", "-b", cluster.bootstrapServers, "-t", topic, "-K:", "-l", input, "-X", "acks=all"],
                timeout: .seconds(120))
            try #require(result.status == 0, "kcat -P failed: \(result.standardError.suffix(2000))")
        }
        try produce((0..<Self.overwrites).map { "key-\($0 % Self.keys):value-\($0)\n" }.joined())
        // segment.ms: a batch produced after a second rolls the segment holding the overwrites,
        // which makes it cleanable; these final values are the latest per key.
        try await Task.sleep(for: .milliseconds(1_500))
        try produce((0..<Self.keys).map { "key-\($0):final-\($0)\n" }.joined())
        let produced = Self.overwrites + Self.keys

        func consume() throws -> [(key: String, value: String)] {
            let result = try Command.run(
                ["/usr/bin/kcat", "-C", "-b", cluster.bootstrapServers, "-t", topic, "-e", "-o", "beginning", "-q", "-f", "%k=%s\n"],
                timeout: .seconds(60))
            try #require(result.status == 0, "kcat -C failed: \(result.standardError.suffix(2000))")
            return result.standardOutput.split(separator: "\n").map {
                let parts = $0.split(separator: "=", maxSplits: 1)
                return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
            }
        }
        var consumed: [(key: String, value: String)] = []
        try await pollUntil("the leader still serves \(consumed.count) of \(produced) records", timeout: .seconds(90)) {
            consumed = (try? consume()) ?? []
            return !consumed.isEmpty && consumed.count <= 2 * Self.keys
        }
        var latest: [String: String] = [:]
        for record in consumed { latest[record.key] = record.value }
        #expect(latest == Dictionary(uniqueKeysWithValues: (0..<Self.keys).map { ("key-\($0)", "final-\($0)") }))
        #expect(consumed.count < produced)

        // Every replica cleans its own log: each broker's segment files hold as few records, ending
        // with the same latest value per key.
        // A follower that lagged (a loaded machine) fetches the overwrites and the final values in one response and
        // appends them as one segment, which stays active — never cleaned — until a later append rolls it, exactly as
        // in Kafka (`maybeRoll` once per follower append). So while a replica is not compacted yet, the final values
        // are written again every few seconds (same keys, same values): the next append rolls the segment.
        var lastRewrite = ContinuousClock.now
        for broker in cluster.descriptor.brokers {
            var stored: [(key: String, value: String)] = []
            try await pollUntil("broker \(broker.id) still stores \(stored.count) records", timeout: .seconds(90)) {
                stored = (try? Self.storedRecords(logDir: broker.logDir, topic: topic)) ?? []
                if !stored.isEmpty && stored.count <= 2 * Self.keys { return true }
                if ContinuousClock.now - lastRewrite > .seconds(5) {
                    try produce((0..<Self.keys).map { "key-\($0):final-\($0)\n" }.joined())
                    lastRewrite = ContinuousClock.now
                }
                return false
            }
            var replicaLatest: [String: String] = [:]
            for record in stored { replicaLatest[record.key] = record.value }
            #expect(replicaLatest == latest, "broker \(broker.id)")
            let metrics = try DataPlane.metrics(cluster, broker: broker.id)
            #expect(DataPlane.sample(metrics, "kafka_log_LogCleaner_max_dirty_percent") != nil, "broker \(broker.id)")
        }
    }

    /// The records of partition 0's `.log` files, in offset order, decoded straight from disk.
    static func storedRecords(logDir: String, topic: String) throws -> [(key: String, value: String)] {
        let directory = "\(logDir)/\(topic)-0"
        var records: [(key: String, value: String)] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: directory).filter({ $0.hasSuffix(".log") }).sorted() {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
            var buffer = ByteBuffer(bytes: data)
            for view in try RecordBatchView.batches(in: buffer) {
                for record in try view.decode().records {
                    records.append((String(decoding: record.key ?? [], as: UTF8.self), String(decoding: record.value ?? [], as: UTF8.self)))
                }
            }
            buffer.clear()
        }
        return records
    }
}
