import Foundation
import KafkaTestKit
import Testing

/// `zkafka consumer-groups` beyond --list/--describe, end to end on the suite's cluster: members and
/// state views of a live group, reset and delete refused while it has a member (Kafka's messages),
/// then reset (dry run, execute), delete-offsets and delete once it is empty; and the group's
/// transitions in `zkafka trace --group`.
extension ConsumerGroupTests {
    @Test func consumerGroupsCommand_resetsAndDeletesOnlyInactiveGroups() async throws {
        let cluster = try RunningCluster.current
        let scratch = try DataPlane.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try await Self.prepareTopic(cluster, scratch: scratch)
        let total = try Self.highWatermarkSum(cluster)
        let group = "admin-group"
        let zkafka = try ZKafkaExecutable.path()
        func groups(_ arguments: [String]) throws -> CommandResult {
            try Command.run([zkafka, "consumer-groups", "--bootstrap-server", cluster.bootstrapServers] + arguments, timeout: .seconds(60))
        }
        func dataRows(_ output: String) -> [[Substring]] {
            output.split(separator: "\n").map { $0.split(separator: " ") }.filter { $0.first.map(String.init) == group }
        }

        let member = ConfluentGroupMember(cluster, topic: Self.topic, group: group, name: "admin1", directory: scratch)
        try await pollUntil("consumed \(member.records.count) of \(total), assignment \(member.assignment)", timeout: .seconds(90)) { member.records.count >= total && member.assignment.count == 6 }

        let members = try groups(["--describe", "--group", group, "--members", "--verbose"])
        #expect(members.status == 0, "\(members.standardError)")
        let memberRows = dataRows(members.standardOutput)
        #expect(memberRows.count == 1 && memberRows.first?[4] == "6", "\(members.standardOutput)")
        #expect(memberRows.first?.last == "\(Self.topic)(0,1,2,3,4,5)", "\(members.standardOutput)")
        let state = try groups(["--describe", "--group", group, "--state"])
        #expect(dataRows(state.standardOutput).first.map { Array($0.suffix(3)) } == ["range", "Stable", "1"], "\(state.standardOutput)")

        let refused = try groups(["--reset-offsets", "--group", group, "--all-topics", "--to-earliest", "--execute"])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains(
            "Error: Assignments can only be reset if the group '\(group)' is inactive, but the current state is Stable."), "\(refused.standardError)")
        let notEmpty = try groups(["--delete", "--group", group])
        #expect(notEmpty.status == 1)
        #expect(notEmpty.standardOutput.contains(
            "* Group '\(group)' could not be deleted due to: java.util.concurrent.ExecutionException: "
                + "org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty."), "\(notEmpty.standardOutput)")

        _ = try await member.stop()
        try await pollUntil("the group never became Empty after its member left", timeout: .seconds(30)) {
            ((try? groups(["--describe", "--group", group, "--state"]))?.standardOutput.contains(" Empty ")) ?? false
        }

        // Dry run: the plan is printed, nothing is committed.
        let dryRun = try groups(["--reset-offsets", "--group", group, "--topic", "\(Self.topic):0,1", "--to-earliest", "--dry-run"])
        #expect(dryRun.status == 0, "\(dryRun.standardError)")
        #expect(dataRows(dryRun.standardOutput).map { Array($0[1...]) } == [[Substring(Self.topic), "0", "0"], [Substring(Self.topic), "1", "0"]],
                "\(dryRun.standardOutput)")
        let before = dataRows(try groups(["--describe", "--group", group]).standardOutput)
        #expect(before.count == 6 && before.allSatisfy { $0[5] == "0" }, "a dry run changes nothing: \(before)")

        // Execute: every partition 10 back, so the lag is 10 everywhere.
        let shifted = try groups(["--reset-offsets", "--group", group, "--all-topics", "--shift-by", "-10", "--execute"])
        #expect(shifted.status == 0, "\(shifted.standardError)")
        #expect(dataRows(shifted.standardOutput).count == 6, "\(shifted.standardOutput)")
        let after = dataRows(try groups(["--describe", "--group", group]).standardOutput)
        #expect(after.count == 6 && after.allSatisfy { $0[5] == "10" }, "lag 10 after --shift-by -10: \(after)")

        let deletedOffsets = try groups(["--delete-offsets", "--group", group, "--topic", "\(Self.topic):0"])
        #expect(deletedOffsets.status == 0, "\(deletedOffsets.standardError)")
        #expect(deletedOffsets.standardOutput.contains("Request succeed for deleting offsets with topic \(Self.topic):0 group \(group)"))
        #expect(dataRows(try groups(["--describe", "--group", group]).standardOutput).count == 5)

        let deleted = try groups(["--delete", "--group", group])
        #expect(deleted.status == 0, "\(deleted.standardError)")
        #expect(deleted.standardOutput.contains("Deletion of requested consumer groups ('\(group)') was successful."))
        let unknown = try groups(["--delete", "--group", group])
        #expect(unknown.standardOutput.contains("GroupIdNotFoundException: The group id does not exist."), "\(unknown.standardOutput)")
        let gone = try groups(["--describe", "--group", group])
        #expect(gone.status == 1 && gone.standardOutput.contains("Consumer group '\(group)' does not exist."), "\(gone.standardOutput)")

        // The coordinator traced the group's life: Stable with the member's partitions, Empty, Dead.
        let trace = try Command.run([zkafka, "trace", "--dir", cluster.cluster.directory, "--group", group], timeout: .seconds(60))
        #expect(trace.status == 0, "\(trace.standardError)")
        let groupLines = trace.standardOutput.split(separator: "\n").filter { $0.contains("◆ \(group):") }
        #expect(groupLines.contains { $0.contains(": Stable generation") && $0.contains("\(Self.topic)(0,1,2,3,4,5)") }, "\(trace.standardOutput)")
        #expect(groupLines.contains { $0.contains(": Empty generation") })
        #expect(groupLines.last?.hasSuffix(": Dead") == true, "\(groupLines)")
    }
}

extension ConsumerGroupTests {
    /// `partition.assignment.strategy=roundrobin,range`: both protocols in JoinGroup, the group picks
    /// roundrobin (every member's first choice) and the leader deals the partitions in turn.
    @Test func zkafkaConsumersWithRoundRobin_interleaveThePartitions() async throws {
        let cluster = try RunningCluster.current
        let scratch = try DataPlane.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try await Self.prepareTopic(cluster, scratch: scratch)
        let zkafka = try ZKafkaExecutable.path()
        let group = "roundrobin-group"
        let members = (0..<2).map { _ in
            BackgroundCommand(
                [zkafka, "console-consumer", "--bootstrap-server", cluster.bootstrapServers, "--topic", Self.topic, "--group", group,
                 "--consumer-property", "partition.assignment.strategy=roundrobin,range", "--timeout-ms", "30000"],
                timeout: .seconds(120))
        }
        func describe(_ view: String) -> String {
            (try? Command.run(
                [zkafka, "consumer-groups", "--bootstrap-server", cluster.bootstrapServers, "--describe", "--group", group, view]
                    + (view == "--members" ? ["--verbose"] : []),
                timeout: .seconds(60)))?.standardOutput ?? ""
        }
        var assignments: [String] = []
        try await pollUntil("round robin deals alternate partitions: \(assignments)", timeout: .seconds(60)) {
            assignments = describe("--members").split(separator: "\n").filter { $0.hasPrefix(group + " ") }
                .compactMap { $0.split(separator: " ").last.map(String.init) }.sorted()
            return assignments == ["\(Self.topic)(0,2,4)", "\(Self.topic)(1,3,5)"]
        }
        let state = describe("--state").split(separator: "\n").first { $0.hasPrefix(group + " ") }.map { $0.split(separator: " ") } ?? []
        #expect(state.suffix(3) == ["roundrobin", "Stable", "2"], "\(state)")
        for member in members { _ = try await member.result() }
    }
}
