import Foundation
import Glibc
import KafkaTestKit
import Testing

@testable import LocalCluster

/// Runs `body` with a cluster in a fresh temporary directory, and always takes it down and removes
/// the directory afterwards, whether `body` passed, failed or threw.
func withTemporaryCluster(_ body: (LocalCluster) throws -> Void) throws {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("zkafka-cluster-test-\(UUID().uuidString.prefix(8))").path
    let cluster = LocalCluster(directory: directory)
    defer {
        // Any process recorded at any point must be gone after down; collect pids before.
        let pids = (try? cluster.descriptor().recordedProcesses.map(\.pid)) ?? []
        do { try cluster.down() } catch { Issue.record("down failed: \(error)") }
        for pid in pids { #expect(!isAlive(pid), "pid \(pid) survived down") }
        try? FileManager.default.removeItem(atPath: directory)
    }
    try body(cluster)
}

/// Checked with kill(2) and /proc, independently of the library's own bookkeeping. A zombie of
/// ours (not yet reaped) counts as dead.
func isAlive(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0 else { return false }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let closing = stat.lastIndex(of: ")")
    else { return false }
    return stat[stat.index(after: closing)...].trimmingCharacters(in: .whitespaces).first != "Z"
}


