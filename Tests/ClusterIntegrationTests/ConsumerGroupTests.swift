import Foundation
import KafkaTestKit
import Synchronization
import Testing

/// Consumer groups with real clients on 3 ZKafka brokers: librdkafka (confluent-kafka, kcat -G)
/// and kafka-python group consumers share partitions, fail over, and resume from committed
/// offsets, also after the coordinator's broker is killed.
@Suite(.tags(.cluster), .requiresZooKeeper, .cluster(brokerOverrides: ["group.initial.rebalance.delay.ms": "500"]), .serialized, .timeLimit(.minutes(8)))
struct ConsumerGroupTests {
    static let topic = "groups-six"

    /// Whether this run created the topic (a Metadata lookup would auto-create it with 1 partition).
    static let prepared = Mutex(false)

    /// The topic with 6 partitions (RF 3) and 600 records, once per suite.
    static func prepareTopic(_ cluster: RunningCluster, scratch: String) async throws {
        if prepared.withLock({ $0 }) { return }
        try await DataPlane.createTopic(cluster, topic, partitions: 6, replicationFactor: 3)
        try ConsumerGroups.produce(cluster, topic, count: 600, scratch: scratch)
        prepared.withLock { $0 = true }
    }

    @Test func threeConfluentConsumers_shareSixPartitions_failOver_andRestartAtCommittedOffsets() async throws {
        let cluster = try RunningCluster.current
        let scratch = try DataPlane.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try await Self.prepareTopic(cluster, scratch: scratch)
        let group = "confluent-group"

        let members = ["a", "b", "c"].map {
            ConfluentGroupMember(cluster, topic: Self.topic, group: group, name: $0, directory: scratch)
        }
        try await ConsumerGroups.waitForBalancedAssignment(members, partitionCount: 6, within: .seconds(90))
        try await pollUntil("consumed \(members.map(\.records.count))", timeout: .seconds(60)) { members.map(\.records.count).reduce(0, +) >= 600 }

        // c dies without leaving: after its session timeout (6 s) a and b split its partitions.
        try await members[2].crash()
        let survivors = Array(members.prefix(2))
        let failover = try await ConsumerGroups.waitForBalancedAssignment(survivors, partitionCount: 6, within: .seconds(40))
        #expect(failover < .seconds(25), "survivors took over after \(failover)")
        let summaries = [try await survivors[0].stop(), try await survivors[1].stop()]
        let firstRound = Set((members.flatMap(\.records)).map { "\($0.partition)/\($0.offset)" })
        #expect(firstRound.count == 600, "distinct records consumed: \(firstRound.count); \(summaries)")

        // New members of the same group start where the group committed: only new records arrive.
        try ConsumerGroups.produce(cluster, Self.topic, count: 300, scratch: scratch)
        let restarted = ["d", "e"].map {
            ConfluentGroupMember(cluster, topic: Self.topic, group: group, name: $0, directory: scratch)
        }
        try await pollUntil("the restarted members consumed 300 records, have \(restarted.map(\.records.count))", timeout: .seconds(90)) { restarted.map(\.records.count).reduce(0, +) >= 300 }
        try await Task.sleep(for: .seconds(2))
        _ = try await restarted[0].stop()
        _ = try await restarted[1].stop()
        let secondRound = restarted.flatMap(\.records).map { "\($0.partition)/\($0.offset)" }
        #expect(secondRound.count == 300, "restarted members consumed \(secondRound.count) records, expected the 300 new ones")
        #expect(firstRound.isDisjoint(with: secondRound), "records consumed again after the restart")
    }

    @Test func kcatBalancedConsumer_and_kafkaPythonGroupConsumer() async throws {
        let cluster = try RunningCluster.current
        let scratch = try DataPlane.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try await Self.prepareTopic(cluster, scratch: scratch)
        let total = try Self.highWatermarkSum(cluster)

        // kcat -G: librdkafka's balanced consumer, to the end of every assigned partition.
        let kcat = try Command.run(
            ["/usr/bin/kcat", "-b", cluster.bootstrapServers, "-G", "kcat-group", Self.topic, "-e", "-q",
             "-X", "auto.offset.reset=earliest", "-f", "%p %o\n"],
            timeout: .seconds(120))
        #expect(kcat.status == 0, "kcat -G failed: \(kcat.standardError.suffix(2000))")
        #expect(kcat.standardOutput.split(separator: "\n").count == total)

        // kafka-python (JoinGroup v2, OffsetCommit v2, OffsetFetch v1): everything once, then nothing.
        let first = try DataPlane.python(
            "group_client.py", ["kafka-python-member", cluster.bootstrapServers, Self.topic, "kafka-python-group"])
        #expect(first["consumed"] as? Int == total, "\(first)")
        #expect((first["partitions"] as? [Int])?.count == 6, "\(first)")
        let second = try DataPlane.python(
            "group_client.py", ["kafka-python-member", cluster.bootstrapServers, Self.topic, "kafka-python-group", "--idle-ms", "5000"])
        #expect(second["consumed"] as? Int == 0, "the second run resumed at the committed offsets: \(second)")

        // zkafka consumer-groups sees both groups, and kafka-python's committed everything (lag 0).
        let zkafka = try ZKafkaExecutable.path()
        let list = try Command.run([zkafka, "consumer-groups", "--bootstrap-server", cluster.bootstrapServers, "--list"], timeout: .seconds(60))
        #expect(list.status == 0, "\(list.standardError)")
        #expect(Set(list.standardOutput.split(separator: "\n").map(String.init)).isSuperset(of: ["kcat-group", "kafka-python-group"]))
        let describe = try Command.run(
            [zkafka, "consumer-groups", "--bootstrap-server", cluster.bootstrapServers, "--describe", "--group", "kafka-python-group"],
            timeout: .seconds(60))
        #expect(describe.status == 0, "\(describe.standardError)")
        #expect(describe.standardOutput.contains("Consumer group 'kafka-python-group' has no active members."), "\(describe.standardOutput)")
        let rows = describe.standardOutput.split(separator: "\n").filter { $0.hasPrefix("kafka-python-group ") }
        #expect(rows.count == 6, "\(describe.standardOutput)")
        #expect(rows.allSatisfy { $0.split(separator: " ")[5] == "0" }, "every partition has lag 0: \(describe.standardOutput)")
    }

    @Test func zkafkaConsoleConsumerWithGroup_sharesWithLibrdkafka_andResumesAtCommittedOffsets() async throws {
        let cluster = try RunningCluster.current
        let scratch = try DataPlane.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try await Self.prepareTopic(cluster, scratch: scratch)
        let total = try Self.highWatermarkSum(cluster)
        let zkafka = try ZKafkaExecutable.path()
        func consoleConsumer(_ extra: [String]) throws -> CommandResult {
            try Command.run(
                [zkafka, "console-consumer", "--bootstrap-server", cluster.bootstrapServers, "--topic", Self.topic,
                 "--group", "zkafka-group", "--property", "print.partition=true", "--property", "print.offset=true"] + extra,
                timeout: .seconds(120))
        }
        // The project's own KafkaConsumer.subscribe: joins, leads, assigns with the range assignor,
        // consumes everything and commits on close.
        let first = try consoleConsumer(["--from-beginning", "--max-messages", String(total)])
        #expect(first.status == 0, "\(first.standardError.suffix(2000))")
        #expect(first.standardError.contains("Processed a total of \(total) messages"), "\(first.standardError.suffix(2000))")
        // A librdkafka member joins the same group next to a zkafka member: the group splits the partitions.
        let librdkafka = ConfluentGroupMember(cluster, topic: Self.topic, group: "zkafka-group", name: "mixed", directory: scratch)
        let second = BackgroundCommand(
            [zkafka, "console-consumer", "--bootstrap-server", cluster.bootstrapServers, "--topic", Self.topic, "--group", "zkafka-group",
             "--timeout-ms", "15000"],
            timeout: .seconds(120))
        try await pollUntil("the librdkafka member holds \(librdkafka.assignment) next to the zkafka member", timeout: .seconds(60)) { librdkafka.assignment.count == 3 }
        _ = try await librdkafka.stop()
        let secondResult = try await second.result()
        // Both resumed at the group's committed offsets: nothing was consumed again.
        #expect(librdkafka.records.isEmpty, "librdkafka re-consumed \(librdkafka.records.count) records")
        #expect(secondResult.standardError.contains("Processed a total of 0 messages"), "\(secondResult.standardError.suffix(2000))")
    }

    @Test func staticMember_restartedWithinItsSession_takesItsPartitionsBackWithoutARebalance() async throws {
        let cluster = try RunningCluster.current
        let scratch = try DataPlane.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try await Self.prepareTopic(cluster, scratch: scratch)
        let group = "static-group"
        func member(_ name: String, instance: String) -> ConfluentGroupMember {
            ConfluentGroupMember(
                cluster, topic: Self.topic, group: group, name: name, directory: scratch,
                extraArguments: ["--instance-id", instance, "--session-timeout-ms", "30000"])
        }
        let a = member("static-a", instance: "instance-a")
        let b = member("static-b", instance: "instance-b")
        try await ConsumerGroups.waitForBalancedAssignment([a, b], partitionCount: 6, within: .seconds(90))
        let before = a.assignment
        // KIP-345: a crashes and a new process with the same group.instance.id joins well within the
        // 30 s session: it takes over the membership, gets the same partitions, and b is not disturbed.
        try await a.crash()
        let restarted = member("static-a2", instance: "instance-a")
        try await pollUntil("the restarted static member holds \(restarted.assignment), before \(before)", timeout: .seconds(25)) { restarted.assignment == before }
        let summaryA = try await restarted.stop()
        let summaryB = try await b.stop()
        #expect(ConfluentGroupMember.assignmentHistory(summaryB).count == 1, "b was rebalanced: \(summaryB)")
        #expect(ConfluentGroupMember.assignmentHistory(summaryA) == [before], "\(summaryA)")
    }

    @Test func killingTheCoordinatorsBroker_theGroupResumesFromItsCommittedOffsets() async throws {
        let cluster = try RunningCluster.current
        let scratch = try DataPlane.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try await Self.prepareTopic(cluster, scratch: scratch)
        let group = "failover-group"
        let total = try Self.highWatermarkSum(cluster)

        let first = ConfluentGroupMember(cluster, topic: Self.topic, group: group, name: "f1", directory: scratch)
        try await pollUntil("consumed \(first.records.count) of \(total)", timeout: .seconds(90)) { first.records.count >= total }
        _ = try await first.stop()

        let partition = ConsumerGroups.offsetsPartition(of: group)
        let coordinator = try #require(try DataPlane.leaders(cluster, "__consumer_offsets", askingBroker: 1)[partition])
        try cluster.cluster.kill(.broker(coordinator), signal: .kill)
        defer { try? cluster.cluster.start(.broker(coordinator)) }

        // Another broker leads the offsets partition now, loads the group's commits from its log,
        // and a new member resumes there: it sees only the records produced after the crash.
        let survivor = try #require(cluster.descriptor.brokers.map(\.id).first { $0 != coordinator })
        try await pollUntil("__consumer_offsets-\(partition) never got a new leader", timeout: .seconds(60)) {
            let leader = (try? DataPlane.leaders(cluster, "__consumer_offsets", askingBroker: survivor))?[partition]
            return leader != nil && leader != coordinator
        }
        try ConsumerGroups.produce(cluster, Self.topic, count: 60, scratch: scratch)
        let second = ConfluentGroupMember(cluster, topic: Self.topic, group: group, name: "f2", directory: scratch)
        try await pollUntil("the new member consumed 60 records, has \(second.records.count)", timeout: .seconds(90)) { second.records.count >= 60 }
        try await Task.sleep(for: .seconds(2))
        _ = try await second.stop()
        #expect(second.records.count == 60, "after the coordinator's crash the group consumed \(second.records.count), expected the 60 new records")
    }

    /// The sum of the topic's high watermarks: the records in it.
    static func highWatermarkSum(_ cluster: RunningCluster) throws -> Int {
        let summary = try DataPlane.python("kafka_client.py", ["watermarks", cluster.bootstrapServers, topic])
        return summary.values.compactMap { ($0 as? [Int])?.last }.reduce(0, +)
    }
}
