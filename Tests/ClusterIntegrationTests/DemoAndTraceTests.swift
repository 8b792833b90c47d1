import Foundation
import KafkaTestKit
import Testing

/// `zkafka demo` and `zkafka trace` as a user runs them: the executable end to end against a real local
/// cluster it brings up itself.
@Suite(.tags(.cluster), .requiresZooKeeper, .serialized, .timeLimit(.minutes(7)))
struct DemoAndTraceTests {
    private func freshDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("zkafka-demo-test-\(UUID().uuidString.prefix(8))").path
    }

    /// Processes whose command line names `directory` (brokers and ZooKeeper servers of that cluster do).
    private func processes(mentioning directory: String) -> [String] {
        let own = ProcessInfo.processInfo.processIdentifier
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> String? in
            guard let pid = Int32(entry), pid != own,
                let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"), !data.isEmpty
            else { return nil }
            let commandLine = String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
            return commandLine.contains(directory) ? "\(pid): \(commandLine)" : nil
        }
    }

    private func cleanUp(_ directory: String) {
        if let zkafka = try? ZKafkaExecutable.path() {
            _ = try? Command.run([zkafka, "cluster", "down", "--dir", directory], timeout: .seconds(60))
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    @Test func demo_endToEnd_showsTwoControllersWithIncreasingEpochs_movesLeaders_andLeavesNoProcess() throws {
        let directory = freshDirectory()
        defer { cleanUp(directory) }
        let result = try Command.run([try ZKafkaExecutable.path(), "demo", "--dir", directory], timeout: .seconds(360))
        let output = result.standardOutput
        #expect(result.status == 0, "stderr: \(result.standardError)\nstdout: \(output)")

        let first = try #require(output.firstMatch(of: /Broker (\d+) is the controller \(controller epoch (\d+)\)/), "\(output)")
        let second = try #require(
            output.firstMatch(of: /Broker (\d+) is the new controller \(controller epoch (\d+) → (\d+)\)/), "\(output)")
        #expect(first.1 != second.1, "the new controller must be another broker")
        #expect(Int(second.2) == Int(first.2), "the bump starts from the first controller's epoch")
        #expect(Int(second.3)! > Int(first.2)!, "the controller epoch must increase")
        #expect(output.contains(/demo-\d: leader \d+ → \d+/), "a partition leader must move: \(output)")
        #expect(output.contains(/isr \[[\d, ]+\] → \[[\d, ]+\]/), "an ISR must shrink")
        // The timeline from the traces: both elections, events and transitions.
        #expect(output.contains("★ elected controller: /controller_epoch is now \(first.2)"))
        #expect(output.contains("★ elected controller: /controller_epoch is now \(second.3)"))
        // The controller learns of the topic through its TopicChange watch, or — when the topic is
        // written while it is still in its own failover — by reading it during that failover.
        #expect(output.contains("event TopicChange") || output.contains("cause ControllerFailover"))
        #expect(output.contains("NewPartition → OnlinePartition"))
        #expect(output.contains("Every process of"))
        // The acks=all producer ran through both kills; nothing it got acknowledged is missing.
        let traffic = try #require(output.firstMatch(of: /acknowledged (\d+) records, consumed (\d+), missing (\d+)/), "\(output)")
        #expect(Int(traffic.1)! > 0)
        #expect(Int(traffic.2)! >= Int(traffic.1)!, "consumed fewer records than were acknowledged")
        #expect(traffic.3 == "0", "acknowledged records went missing: \(result.standardError)")
        #expect(output.contains("min.insync.replicas=2"))
        #expect(processes(mentioning: directory).isEmpty, "left behind: \(processes(mentioning: directory))")

        // The traces stay in the cluster directory after the teardown: `zkafka trace` merges them.
        try checkTrace(directory: directory)
    }

    /// `zkafka trace --dir` on a cluster that ran the demo: text and JSON timelines, and a topic filter.
    private func checkTrace(directory: String) throws {
        let zkafka = try ZKafkaExecutable.path()
        let text = try Command.run([zkafka, "trace", "--dir", directory], timeout: .seconds(60))
        #expect(text.status == 0, "\(text.standardError)")
        #expect(text.standardOutput.contains("★ elected controller"))
        #expect(text.standardOutput.contains("event TopicChange") || text.standardOutput.contains("cause ControllerFailover"))
        #expect(text.standardOutput.contains("demo-0 NewPartition → OnlinePartition"))
        #expect(text.standardOutput.contains("broker change: dead"))

        let json = try Command.run([zkafka, "trace", "--dir", directory, "--json"], timeout: .seconds(60))
        #expect(json.status == 0)
        let objects = try json.standardOutput.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.contains { $0["record"] as? String == "event" })
        #expect(objects.contains { $0["record"] as? String == "transition" })
        #expect(objects.contains { $0["record"] as? String == "milestone" && $0["kind"] as? String == "elected" })
        #expect(objects.allSatisfy { $0["broker"] is Int && $0["time"] is Double })
        let times = objects.compactMap { $0["time"] as? Double }
        #expect(times == times.sorted(), "merged by time")

        let filtered = try Command.run(
            [zkafka, "trace", "--dir", directory, "--topic", "demo", "--partition", "0", "--json"], timeout: .seconds(60))
        let transitions = try filtered.standardOutput.split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.filter { $0["record"] as? String == "transition" }
        #expect(!transitions.isEmpty)
        #expect(transitions.allSatisfy { $0["topic"] as? String == "demo" && $0["partition"] as? Int == 0 })
    }

    @Test func trace_withoutACluster_isAClearError() throws {
        let directory = freshDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try Command.run([try ZKafkaExecutable.path(), "trace", "--dir", directory], timeout: .seconds(30))
        #expect(result.status != 0)
        #expect(result.standardError.contains("no cluster in"))
    }
}
