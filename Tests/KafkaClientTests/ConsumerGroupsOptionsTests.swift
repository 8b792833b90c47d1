import Foundation
import KafkaConsoleTools
import Testing

@Suite("kafka-consumer-groups option checks", .tags(.unit))
struct ConsumerGroupsOptionsTests {
    private func action(_ build: (inout ConsumerGroupsOptions) -> Void) throws(ConsumerGroupsUsageError) -> ConsumerGroupsAction {
        var options = ConsumerGroupsOptions()
        build(&options)
        return try options.action(timeZone: TimeZone(secondsFromGMT: 0)!)
    }

    private func refusal(_ build: (inout ConsumerGroupsOptions) -> Void) -> String? {
        do {
            _ = try action(build)
            return nil
        } catch { return error.message }
    }

    @Test("exactly one action")
    func oneAction() {
        #expect(refusal { _ in }?.hasPrefix("Command must include exactly one action") == true)
        #expect(refusal { $0.list = true; $0.describe = true }?.hasPrefix("Command must include exactly one action") == true)
    }

    @Test("describe: a group, at most one view, offsets by default")
    func describe() throws {
        #expect(refusal { $0.describe = true } == "Option [describe] takes one of these options: [group]")
        #expect(refusal { $0.describe = true; $0.groups = ["g"]; $0.members = true; $0.state = true }
            == "Option [describe] takes at most one of these options: [members], [offsets], [state]")
        #expect(try action { $0.describe = true; $0.groups = ["g"] } == .describe(groups: ["g"], view: .offsets))
        #expect(try action { $0.describe = true; $0.groups = ["g"]; $0.members = true; $0.verbose = true }
            == .describe(groups: ["g"], view: .members(verbose: true)))
        #expect(refusal { $0.list = true; $0.members = true } != nil)
    }

    @Test("reset-offsets: one scenario, one scope, not both dry-run and execute")
    func reset() throws {
        #expect(refusal { $0.resetOffsets = true; $0.groups = ["g"]; $0.allTopics = true }?.contains("takes exactly one of these options") == true)
        #expect(refusal { $0.resetOffsets = true; $0.groups = ["g"]; $0.toEarliest = true }
            == "One of the reset scopes should be defined: --all-topics, --topic.")
        #expect(refusal { $0.resetOffsets = true; $0.groups = ["g"]; $0.toEarliest = true; $0.allTopics = true; $0.dryRun = true; $0.execute = true }
            == "Option [reset-offsets] only accepts one of [execute] and [dry-run]")
        #expect(refusal { $0.resetOffsets = true; $0.groups = ["g"]; $0.topics = ["t:0,x"]; $0.toLatest = true }
            == "Invalid partition 'x' specified in topic arg 't:0,x'")
        #expect(refusal { $0.describe = true; $0.groups = ["g"]; $0.toEarliest = true }?.contains("go with [reset-offsets] only") == true)
        #expect(try action { $0.resetOffsets = true; $0.groups = ["g"]; $0.topics = ["t:0,2", "u"]; $0.shiftBy = -3; $0.execute = true }
            == .resetOffsets(
                group: "g", scope: .topics([.init(topic: "t", partitions: [0, 2]), .init(topic: "u", partitions: nil)]),
                scenario: .shiftBy(-3), execute: true, modeGiven: true))
        #expect(try action { $0.resetOffsets = true; $0.groups = ["g"]; $0.allTopics = true; $0.toDatetime = "2021-04-01T10:00:00.250Z" }
            == .resetOffsets(group: "g", scope: .allTopics, scenario: .toDatetime(1_617_271_200_250), execute: false, modeGiven: false))
    }

    @Test("--to-datetime: Kafka's format, local zone without one, bad text named")
    func datetime() throws {
        #expect(try KafkaDateTime.parse("1970-01-01T01:00:00.000+01:00") == 0)
        #expect(try KafkaDateTime.parse("1970-01-01T00:00:01.500", timeZone: TimeZone(secondsFromGMT: 3600)!) == -3_598_500)
        #expect(throws: ConsumerGroupsUsageError.self) { try KafkaDateTime.parse("yesterday") }
        #expect(throws: ConsumerGroupsUsageError.self) { try KafkaDateTime.parse("2021-13-01T00:00:00.000") }
    }

    @Test("delete and delete-offsets")
    func delete() throws {
        #expect(try action { $0.delete = true; $0.groups = ["a", "b"] } == .delete(groups: ["a", "b"]))
        #expect(refusal { $0.delete = true; $0.groups = ["a"]; $0.topics = ["t"] }
            == "The consumer does not support topic-specific offset deletion from a consumer group.")
        #expect(refusal { $0.deleteOffsets = true; $0.groups = ["a"] }?.hasPrefix("Option [delete-offsets] takes the following options") == true)
        #expect(try action { $0.deleteOffsets = true; $0.groups = ["a"]; $0.topics = ["t"] } == .deleteOffsets(group: "a", topics: ["t"]))
    }
}
