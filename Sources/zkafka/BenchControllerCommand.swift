import ArgumentParser
import Benchmarks
import Foundation
import LocalCluster

/// `zkafka bench controller`: controller failover, broker death, controlled shutdown and memory on
/// a local cluster, for several partition counts, beside the ensemble's own limits.
struct BenchControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "controller",
        abstract: "Controller failover, broker death, controlled shutdown and memory for N partitions.",
        discussion: """
            For each N, starts a fresh local cluster (3 ZooKeeper servers, 3 brokers), measures the \
            ensemble's pipelined read and write rates, creates topics with N partitions in total (RF 3), \
            kills a broker, shuts another down cleanly, kills the controller, and prints the figures \
            beside the targets. A row estimated (from the previous one) to take longer than \
            --max-row-minutes is reported as not run.
            """
    )

    @Option(
        name: .customLong("partitions"), parsing: .upToNextOption,
        help: "Partition counts (repeatable or comma-separated).")
    var partitionArguments: [String] = ["1000,10000,100000"]

    @Option(help: "Partitions per topic.")
    var topicsSize = 1000

    @Option(help: "zk (3 ZooKeeper servers, 3 brokers) or kraft (3 KRaft controllers, 3 brokers).")
    var mode = "zk"

    @Option(help: "Directory for the clusters (default: a new temporary directory).")
    var dir: String?

    @Flag(help: "Leave each row's cluster running.")
    var keep = false

    @Option(help: "Skip a row estimated to take longer than this.")
    var maxRowMinutes = 45.0

    @Option(help: "Pipelined operations per operation type when measuring the ensemble.")
    var ensembleOps = 10_000

    @Flag(help: "Run each row's cluster in containers (as `zkafka cluster up --containers`); memory is read from the host's /proc.")
    var containers = false

    @Option(name: .customLong("broker-property"), help: "An extra server.properties line for every broker (key=value); repeatable.")
    var brokerProperties: [String] = []

    @Flag(help: "Also print the rows as JSON (one object per partition count, with the computed ratios) after the tables.")
    var json = false

    var partitionCounts: [Int] {
        partitionArguments.flatMap { $0.split(separator: ",") }.compactMap { Int($0.replacingOccurrences(of: "_", with: "")) }
    }

    func validate() throws {
        guard ClusterMode(parsing: mode) != nil else { throw ValidationError("--mode must be zk or kraft, got \(mode)") }
        let counts = partitionArguments.flatMap { $0.split(separator: ",") }
        guard !counts.isEmpty, counts.allSatisfy({ Int($0.replacingOccurrences(of: "_", with: "")).map { $0 > 0 } ?? false }) else {
            throw ValidationError("--partitions takes positive integers, got \(partitionArguments.joined(separator: " "))")
        }
        guard topicsSize > 0 else { throw ValidationError("--topics-size must be positive, got \(topicsSize)") }
        for property in brokerProperties where !property.contains("=") {
            throw ValidationError("--broker-property takes key=value, got \(property)")
        }
        guard ensembleOps > 0 else { throw ValidationError("--ensemble-ops must be positive, got \(ensembleOps)") }
    }

    func run() async throws {
        let progressOutput = FileHandle.standardOutput  // progress lines appear as they happen, also when piped
        let directory = dir ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("zkafka-bench-controller-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let benchmark = ControllerBenchmark(
            partitionCounts: partitionCounts, partitionsPerTopic: topicsSize, directory: directory, keep: keep,
            maxRowMinutes: maxRowMinutes, ensembleOperations: ensembleOps, brokerProperties: brokerProperties,
            mode: ClusterMode(parsing: mode) ?? .zookeeper, containers: containers)
        let started = ContinuousClock.now
        let results = await benchmark.run { progressOutput.write(Data("  \($0)\n".utf8)) }
        if !keep && dir == nil { try? FileManager.default.removeItem(atPath: directory) }
        print("")
        print("zkafka bench controller: 3 ZooKeeper servers, 3 brokers\(containers ? " in containers" : ""), RF 3, \(topicsSize) partitions per topic, "
            + "\(ProcessInfo.processInfo.activeProcessorCount) cores, one run (\(Int((ContinuousClock.now - started).components.seconds)) s)")
        print("")
        print(ControllerBenchmarkTable.render(results))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let rows = results.map(ControllerBenchmarkJSONRow.init)
            if let data = try? encoder.encode(rows), let text = String(data: data, encoding: .utf8) {
                print("")
                print(text)
            }
        }
    }
}
