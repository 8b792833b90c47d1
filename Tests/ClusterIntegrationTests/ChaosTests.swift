import Foundation
import KafkaTestKit
import Testing

/// `zkafka chaos` with a fixed seed: every fault kind once (kill -9 of a leader, a follower, the controller, a
/// bounce, a pause past the session timeout, a whole-cluster crash, a kill of a freshly elected leader, and — as root —
/// a network partition cutting a leader off from ZooKeeper and its peers) under an
/// acks=all producer, and not one acknowledged record lost, every replica's log byte-identical at the end.
@Suite(.tags(.cluster), .requiresZooKeeper, .serialized, .timeLimit(.minutes(12)))
struct ChaosTests {
    @Test func everyFaultOnce_seed11_noAcknowledgedRecordLost_replicasIdentical() throws {
        try ZKafkaExecutable.export()
        // The network partition needs root, iptables and cgroup v2; elsewhere `zkafka chaos` leaves it out.
        let partitions = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/iptables")
            && ((try? String(contentsOfFile: "/proc/mounts", encoding: .utf8))?.contains(" cgroup2 ") ?? false)
        let faults = ["kill-leader", "kill-follower", "kill-controller", "bounce-broker", "pause-broker", "crash-cluster", "kill-new-leader"]
            + (partitions ? ["partition-broker"] : [])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zkafka-chaos-\(UUID().uuidString.prefix(8))").path
        defer {
            _ = try? Command.run([try ZKafkaExecutable.path(), "cluster", "down", "--dir", directory], timeout: .seconds(120))
            try? FileManager.default.removeItem(atPath: directory)
        }
        let result = try Command.run(
            [try ZKafkaExecutable.path(), "chaos", "--dir", directory, "--rounds", String(faults.count), "--seed", "11"], timeout: .seconds(660))
        let output = result.standardOutput
        #expect(result.status == 0, "chaos failed:\n\(output.suffix(4_000))\n\(result.standardError.suffix(2_000))")
        #expect(output.contains("missing           0"), "\(output.suffix(3_000))")
        #expect(output.contains("replicas          byte-identical"), "\(output.suffix(3_000))")
        let acknowledged = output.split(separator: "\n").first { $0.contains("acknowledged      ") }
            .flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        #expect(acknowledged > 500, "the producer should keep acknowledging through the faults: \(acknowledged)")
        for fault in faults {
            #expect(output.contains(fault), "no \(fault) round in:\n\(output.suffix(2_000))")
        }
    }
}
