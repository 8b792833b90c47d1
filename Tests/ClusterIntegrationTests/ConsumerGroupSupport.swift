import Foundation
import KafkaTestKit
import Testing

/// One `group_client.py confluent-member` process: a librdkafka group consumer the test can watch
/// (its assignment and records files), stop cleanly, or crash.
final class ConfluentGroupMember: Sendable {
    let name: String
    let directory: String
    let command: BackgroundCommand

    init(
        _ cluster: RunningCluster, topic: String, group: String, name: String, directory: String, extraArguments: [String] = []
    ) {
        self.name = name
        self.directory = directory
        command = BackgroundCommand(
            ["/usr/bin/python3", DataPlane.script("group_client.py"), "confluent-member", cluster.bootstrapServers, topic, group,
             "--dir", directory, "--name", name] + extraArguments,
            timeout: .seconds(240))
    }

    private var base: String { "\(directory)/\(name)" }

    /// The partitions the member holds now (empty before its first assignment).
    var assignment: [Int] {
        guard let data = FileManager.default.contents(atPath: base + ".assignment") else { return [] }
        return (try? JSONSerialization.jsonObject(with: data) as? [Int]) ?? []
    }

    /// `(partition, offset)` of every record the member consumed so far.
    var records: [(partition: Int, offset: Int64)] {
        guard let text = try? String(contentsOfFile: base + ".records", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 2, let partition = Int(fields[0]), let offset = Int64(fields[1]) else { return nil }
            return (partition, offset)
        }
    }

    /// Leaves the group (LeaveGroup) and exits; returns its summary.
    func stop() async throws -> [String: Any] {
        FileManager.default.createFile(atPath: base + ".stop", contents: nil)
        let result = try await command.result()
        try #require(result.status == 0, "\(name) exited \(result.status): \(result.standardError.suffix(2000))")
        return try DataPlane.summary(of: result)
    }

    /// Dies by SIGKILL: no LeaveGroup, the coordinator must notice the missing heartbeats.
    func crash() async throws {
        FileManager.default.createFile(atPath: base + ".crash", contents: nil)
        _ = try await command.result()
        try? FileManager.default.removeItem(atPath: base + ".crash")
    }

    /// The partitions of each assignment the member received, in order.
    static func assignmentHistory(_ summary: [String: Any]) -> [[Int]] { summary["assignments"] as? [[Int]] ?? [] }
}

enum ConsumerGroups {
    /// Kafka's `abs(groupId.hashCode) % offsets.topic.num.partitions` (Java String.hashCode).
    static func offsetsPartition(of group: String, partitions: Int32 = 50) -> Int {
        var hash: Int32 = 0
        for unit in group.utf16 { hash = hash &* 31 &+ Int32(unit) }
        return Int((hash & 0x7fff_ffff) % partitions)
    }

    /// Produces `count` records with confluent-kafka (acks=all).
    static func produce(_ cluster: RunningCluster, _ topic: String, count: Int, scratch: String) throws {
        let produced = try DataPlane.python(
            "kafka_client.py", ["produce", cluster.bootstrapServers, topic, "--count", String(count), "--acked", scratch + "/acked-\(UUID().uuidString.prefix(6)).txt"])
        try #require(produced["acknowledged"] as? Int == count, "producer: \(produced)")
    }

    /// Waits until `members` hold the partitions `0..<partitionCount` between them, each exactly
    /// once, with the given share each; returns how long that took.
    @discardableResult
    static func waitForBalancedAssignment(
        _ members: [ConfluentGroupMember], partitionCount: Int, within: Duration
    ) async throws -> Duration {
        let started = ContinuousClock.now
        try await pollUntil("assignments never balanced: \(members.map { "\($0.name)=\($0.assignment)" })", timeout: within) {
            let assignments = members.map(\.assignment)
            let all = assignments.flatMap { $0 }
            let share = partitionCount / members.count
            return all.sorted() == Array(0..<partitionCount) && assignments.allSatisfy { $0.count == share }
        }
        return ContinuousClock.now - started
    }
}
