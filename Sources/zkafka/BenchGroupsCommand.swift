import ArgumentParser
import Benchmarks
import Foundation

/// `zkafka bench groups`: rebalance times after a member is lost and after one joins, coordinator
/// failover time and offset commit throughput, on a local cluster, from one run.
struct BenchGroupsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groups",
        abstract: "Consumer-group rebalance and coordinator failover times, offset commit throughput.",
        discussion: """
            Starts a local cluster (3 ZooKeeper servers, 3 brokers), a 6-partition topic (RF 3) and N \
            `zkafka console-consumer --group` processes; kills one with SIGKILL (time until the survivors \
            own every partition), starts another (time until it shares them), kills the coordinator's \
            broker with SIGKILL (time until another broker coordinates the group, Stable with its offsets \
            loaded), then commits offsets from one client for a few seconds (commits/s).
            """
    )

    @Option(help: "Consumer processes in the group.")
    var consumers = 3

    @Option(name: .customLong("session-timeout-ms"), help: "The consumers' session.timeout.ms (the broker's minimum is 6000).")
    var sessionTimeoutMs = 6_000

    @Option(name: .customLong("commit-seconds"), help: "How long to measure offset commits.")
    var commitSeconds = 5.0

    @Option(help: "Directory for the cluster and consumer logs (default: a new temporary directory).")
    var dir: String?

    @Flag(help: "Leave the cluster running.")
    var keep = false

    func validate() throws {
        guard consumers >= 2 else { throw ValidationError("--consumers must be at least 2 (one is killed), got \(consumers)") }
        guard sessionTimeoutMs >= 6_000 else {
            throw ValidationError("--session-timeout-ms must be at least 6000 (group.min.session.timeout.ms), got \(sessionTimeoutMs)")
        }
        guard commitSeconds > 0 else { throw ValidationError("--commit-seconds must be positive, got \(commitSeconds)") }
    }

    func run() async throws {
        let progressOutput = FileHandle.standardOutput
        let directory = dir ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("zkafka-bench-groups-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let benchmark = GroupBenchmark(
            consumers: consumers, sessionTimeoutMs: sessionTimeoutMs, commitSeconds: commitSeconds, directory: directory, keep: keep)
        let started = ContinuousClock.now
        let result = try await benchmark.run { progressOutput.write(Data("  \($0)\n".utf8)) }
        if !keep && dir == nil { try? FileManager.default.removeItem(atPath: directory) }
        print("")
        print("zkafka bench groups: 3 ZooKeeper servers, 3 brokers, \(result.partitions) partitions (RF 3), \(consumers) consumers, "
            + "\(ProcessInfo.processInfo.activeProcessorCount) cores, one run (\(Int((ContinuousClock.now - started).components.seconds)) s)")
        print("")
        print(result.render())
    }
}
