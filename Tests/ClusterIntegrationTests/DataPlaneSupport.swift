import Foundation
import KafkaModel
import KafkaTestKit
import KafkaZooKeeperData
import LocalCluster
import Synchronization
import Testing
import ZooKeeper

/// Shared by the data-plane suites: the client scripts, topic creation, record comparison,
/// background producers, partition state from ZooKeeper and segment-file inspection.
enum DataPlane {
    /// `Tests/ClusterIntegrationTests/Scripts/<name>`, next to this file in the source tree.
    static func script(_ name: String) -> String {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let local = here.appendingPathComponent("Scripts/\(name)").path
        if FileManager.default.fileExists(atPath: local) { return local }
        // The client script shared with `zkafka demo` and `zkafka chaos` is the repository's scripts/kafka_client.py.
        return here.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/\(name)").path
    }

    /// A scratch directory for one test's files; the caller removes it.
    static func scratchDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("zkafka-dataplane-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The Prometheus text of `broker`'s `/metrics` endpoint (its address is in the broker's log).
    static func metrics(_ cluster: RunningCluster, broker id: Int) throws -> String {
        let broker = try #require(cluster.descriptor.brokers.first { $0.id == id })
        let log = try String(contentsOfFile: broker.log, encoding: .utf8)
        let line = try #require(log.split(separator: "\n").last { $0.contains("Metrics endpoint listening on ") })
        let url = String(line[line.range(of: "http://")!.lowerBound...]).trimmingCharacters(in: .whitespaces)
        let result = try Command.run(
            ["/usr/bin/python3", "-c", "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())", url],
            timeout: .seconds(30))
        try #require(result.status == 0, "GET \(url) failed: \(result.standardError)")
        return result.standardOutput
    }

    /// One sample's value from Prometheus text (`name{broker="N"} value`).
    static func sample(_ text: String, _ name: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(name + "{") }.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }
    }

    /// `zkafka topics --create`, then waits until every broker's metadata names a leader for every
    /// partition, so clients do not race the controller's LeaderAndIsr/UpdateMetadata.
    static func createTopic(
        _ cluster: RunningCluster, _ topic: String, partitions: Int, replicationFactor: Int, configs: [String: String] = [:]
    ) async throws {
        let result = try Command.run(
            [try ZKafkaExecutable.path(), "topics", "--bootstrap-server", cluster.bootstrapServers, "--create", "--topic", topic,
             "--partitions", String(partitions), "--replication-factor", String(replicationFactor)]
                + configs.sorted { $0.key < $1.key }.flatMap { ["--config", "\($0.key)=\($0.value)"] },
            timeout: .seconds(60))
        try #require(result.status == 0, "creating \(topic) failed: \(result.standardError)")
        try await pollUntil("not every broker learned the leaders of \(topic)", timeout: .seconds(30)) {
            try cluster.descriptor.brokers.allSatisfy { broker in
                try leaders(cluster, topic, askingBroker: broker.id).count == partitions
            }
        }
    }

    /// Partition → leader as one broker's metadata answers it (kcat -L against that broker only).
    static func leaders(_ cluster: RunningCluster, _ topic: String, askingBroker broker: Int) throws -> [Int: Int] {
        let result = try Command.run(
            ["/usr/bin/kcat", "-b", cluster.brokerAddress(broker), "-L", "-J", "-t", topic, "-m", "10"], timeout: .seconds(30))
        guard result.status == 0,
            let json = try? JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any],
            let described = (json["topics"] as? [[String: Any]])?.first(where: { $0["topic"] as? String == topic }),
            let partitions = described["partitions"] as? [[String: Any]]
        else { return [:] }
        var leaders: [Int: Int] = [:]
        for partition in partitions {
            if let id = partition["partition"] as? Int, let leader = partition["leader"] as? Int, leader >= 0 { leaders[id] = leader }
        }
        return leaders
    }

    /// Runs a Python script of `Scripts/` with the system interpreter (which has confluent_kafka and
    /// kafka-python) and decodes the JSON summary it prints last.
    static func python(_ script: String, _ arguments: [String], timeout: Duration = .seconds(180)) throws -> [String: Any] {
        let result = try Command.run(["/usr/bin/python3", Self.script(script)] + arguments, timeout: timeout)
        try #require(result.status == 0, "\(script) \(arguments.first ?? "") exited \(result.status): \(result.standardError.suffix(3000))")
        return try summary(of: result)
    }

    static func summary(of result: CommandResult) throws -> [String: Any] {
        let line = result.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
        return try #require(
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            "no JSON summary; stdout: \(result.standardOutput.suffix(2000)) stderr: \(result.standardError.suffix(2000))")
    }

    static func readRecords(_ path: String) throws -> [RecordLine] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            try #require(RecordLine(scriptLine: line), "unparseable record line: \(line)")
        }
    }

    /// Number of complete lines in a file another process is appending to.
    static func lineCount(_ path: String) -> Int {
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        return data.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }

    // MARK: ZooKeeper

    static func zooKeeper(_ cluster: RunningCluster) async throws -> ZooKeeperClient {
        try await ZooKeeperClient.connect(try ZooKeeperConfiguration(connect: cluster.descriptor.zookeeper.connect), timeout: .seconds(30))
    }

    /// `/brokers/topics/<t>/partitions/<p>/state`, or nil while it does not exist.
    static func partitionState(_ zooKeeper: ZooKeeperClient, _ topic: String, _ partition: Int32) async throws -> LeaderAndISR? {
        do {
            let (data, stat) = try await zooKeeper.getData(ZNodePaths.partitionState(topic, partition))
            return try TopicPartitionStateZNode.decode(
                TopicPartition(topic: topic, partition: partition), data: data, zkVersion: stat.version
            ).leaderAndISR
        } catch let error as ZooKeeperError where error.code == .noNode {
            return nil
        }
    }

    // MARK: Segment files

    /// `<logDir>/<topic>-<partition>/00000000000000000000.log` of one broker.
    static func firstSegment(_ cluster: RunningCluster, broker: Int, _ topic: String, _ partition: Int) throws -> String {
        let logDir = try #require(cluster.descriptor.brokers.first { $0.id == broker }).logDir
        return "\(logDir)/\(topic)-\(partition)/00000000000000000000.log"
    }

    /// The `.log` segment files (not `.deleted` ones) of a partition on one broker.
    static func segmentFiles(_ cluster: RunningCluster, broker: Int, _ topic: String, _ partition: Int) throws -> [String] {
        let logDir = try #require(cluster.descriptor.brokers.first { $0.id == broker }).logDir
        let directory = "\(logDir)/\(topic)-\(partition)"
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".log") }.sorted()
    }
}

/// One record as the client scripts write it: `partition offset key value headers`.
struct RecordLine: Hashable, Sendable {
    var partition: Int
    var offset: Int64
    var key: String
    var value: String
    /// `name=value` pairs joined by commas, as kcat's `%h` prints them.
    var headers: String

    init(partition: Int, offset: Int64, key: String, value: String, headers: String) {
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
    }

    init?(scriptLine line: Substring) {
        let fields = line.split(separator: " ", maxSplits: 4, omittingEmptySubsequences: false)
        guard fields.count >= 4, let partition = Int(fields[0]), let offset = Int64(fields[1]) else { return nil }
        self.init(partition: partition, offset: offset, key: String(fields[2]), value: String(fields[3]),
                  headers: fields.count == 5 ? String(fields[4]) : "")
    }

    /// kcat's `-f '%k %s %h %p %o\n'`.
    init?(kcatLine line: Substring) {
        let fields = line.split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 5, let partition = Int(fields[3]), let offset = Int64(fields[4]) else { return nil }
        self.init(partition: partition, offset: offset, key: String(fields[0]), value: String(fields[1]), headers: String(fields[2]))
    }

    /// `i` of `value-<i>`: the production order of the record.
    var sequence: Int? { value.hasPrefix("value-") ? Int(value.dropFirst(6)) : nil }
}

/// What the record generators of every client produce: record `i` has key `key-<i % 1000>`, value
/// `value-<i>`, and the headers of its client.
enum GeneratedRecords {
    static func key(_ i: Int) -> String { "key-\(i % 1000)" }

    /// Every difference between `consumed` and the records `0..<count` a single producer sent in
    /// order without failures: each exactly once, with its key and headers, offsets `0..<n` per
    /// partition, production order within a partition, and each key in one partition. Empty when
    /// everything matches; at most `limit` problems.
    static func problems(
        consumed: [RecordLine], count: Int, headers: (Int) -> String, limit: Int = 20
    ) -> [String] {
        var problems: [String] = []
        func report(_ problem: String) { if problems.count < limit { problems.append(problem) } }
        if consumed.count != count { report("consumed \(consumed.count) records, produced \(count)") }
        var seen = [Bool](repeating: false, count: count)
        var partitionOfKey: [String: Int] = [:]
        var lastByPartition: [Int: (offset: Int64, sequence: Int)] = [:]
        for record in consumed {
            guard let i = record.sequence, i >= 0, i < count else {
                report("unexpected value \(record.value) at \(record.partition)/\(record.offset)")
                continue
            }
            if seen[i] { report("value-\(i) consumed twice (again at \(record.partition)/\(record.offset))") }
            seen[i] = true
            if record.key != key(i) { report("value-\(i) has key \(record.key), expected \(key(i))") }
            if record.headers != headers(i) { report("value-\(i) has headers '\(record.headers)', expected '\(headers(i))'") }
            if let known = partitionOfKey[record.key], known != record.partition {
                report("key \(record.key) in partitions \(known) and \(record.partition)")
            }
            partitionOfKey[record.key] = record.partition
            let expectedOffset = (lastByPartition[record.partition]?.offset ?? -1) + 1
            if record.offset != expectedOffset {
                report("partition \(record.partition): offset \(record.offset) follows \(expectedOffset - 1)")
            }
            if let last = lastByPartition[record.partition], last.sequence >= i {
                report("partition \(record.partition): value-\(i) at offset \(record.offset) after value-\(last.sequence)")
            }
            lastByPartition[record.partition] = (record.offset, i)
        }
        let missing = seen.indices.filter { !seen[$0] }
        if !missing.isEmpty { report("\(missing.count) records never consumed, first: value-\(missing[0])") }
        return problems
    }

    /// The acknowledged records absent from `consumed` at their acknowledged partition and offset
    /// (with the same value).
    static func missing(acknowledged: [RecordLine], consumed: [RecordLine]) -> [RecordLine] {
        var valueAt: [Int: [Int64: String]] = [:]
        for record in consumed { valueAt[record.partition, default: [:]][record.offset] = record.value }
        return acknowledged.filter { valueAt[$0.partition]?[$0.offset] != $0.value }
    }
}

/// `Command.run` on its own thread, so a test can stage failures while a client runs. (The run
/// blocks while it waits, which must not tie up one of the few cooperative threads.)
final class BackgroundCommand: Sendable {
    private let outcome = Mutex<Result<CommandResult, any Error>?>(nil)

    init(_ arguments: [String], timeout: Duration) {
        let thread = Thread { [self] in
            let result = Result { try Command.run(arguments, timeout: timeout) }
            outcome.withLock { $0 = result }
        }
        thread.start()
    }

    var isFinished: Bool { outcome.withLock { $0 != nil } }

    /// The command's result once it has exited (it is killed at its own timeout).
    func result() async throws -> CommandResult {
        // Bounded by the command's own timeout; the hour is only a backstop.
        try await poll("the command to exit", timeout: .seconds(3600), every: .milliseconds(100)) { outcome.withLock { $0 } }.get()
    }
}

/// Walks the record batches of a segment file by their headers (base offset, length).
struct SegmentFileBatches {
    struct Batch: Equatable {
        var position: Int
        var size: Int
        var baseOffset: Int64
        var lastOffset: Int64
    }

    /// The whole batches from the start, and how many bytes follow the last of them (a torn tail).
    var batches: [Batch] = []
    var trailingBytes = 0

    init(path: String) throws {
        let bytes = [UInt8](try #require(FileManager.default.contents(atPath: path), "cannot read \(path)"))
        func int(_ at: Int, _ width: Int) -> Int64 {
            (0..<width).reduce(Int64(0)) { $0 << 8 | Int64(bytes[at + $1]) }
        }
        var position = 0
        // 12 bytes of base offset and length, then partition leader epoch, magic, crc, attributes,
        // and the last offset delta at byte 23 of the batch.
        while position + 27 <= bytes.count {
            let size = 12 + Int(int(position + 8, 4))
            guard size > 27, position + size <= bytes.count else { break }
            let baseOffset = int(position, 8)
            batches.append(Batch(position: position, size: size, baseOffset: baseOffset, lastOffset: baseOffset + int(position + 23, 4)))
            position += size
        }
        trailingBytes = bytes.count - position
    }
}
