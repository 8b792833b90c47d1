import ArgumentParser
import Benchmarks
import Foundation
import LocalCluster

/// `zkafka compare`: the same controller scenarios on a ZooKeeper-mode cluster and on a KRaft cluster,
/// one after the other on this machine, printed side by side and written as CSV and an SVG chart.
struct CompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Run identical controller scenarios on ZooKeeper mode and KRaft; print a table, write CSV and SVG.",
        discussion: """
            For each N: a fresh ZooKeeper-mode cluster (3 ZooKeeper servers, 3 brokers), then a fresh KRaft \
            cluster (3 controllers, 3 brokers). On each: topics with N partitions in total (RF 3) and the \
            creation rate; one more topic's propagation to every broker; kill -9 of the broker leading most \
            partitions (detection, then re-led in every cache); SIGTERM of another (controlled shutdown); kill -9 \
            of the active controller (detection, new active controller, metadata current on every broker); peak \
            memory of controllers and brokers. Detection and recovery are separate columns.
            """
    )

    @Option(name: .customLong("partitions"), parsing: .upToNextOption, help: "Partition counts (comma-separated or repeated), e.g. 1000,10000,100000.")
    var partitionArguments: [String] = ["1000"]

    @Option(help: "Partitions per topic.")
    var topicsSize = 1000

    @Option(help: "Directory for the clusters (default: a new temporary directory, removed at the end).")
    var dir: String?

    @Option(help: "Write the figures as CSV to this file.")
    var csv: String?

    @Option(help: "Write a bar chart (SVG) to this file.")
    var svg: String?

    @Option(help: "Only these modes (zk, kraft; comma-separated).")
    var modes = "zk,kraft"

    @Flag(help: "Leave each cluster running.")
    var keep = false

    var partitionCounts: [Int] {
        partitionArguments.flatMap { $0.split(separator: ",") }.compactMap { Int($0.replacingOccurrences(of: "_", with: "")) }
    }

    var clusterModes: [ClusterMode] { modes.split(separator: ",").compactMap { ClusterMode(parsing: String($0)) } }

    func validate() throws {
        let counts = partitionArguments.flatMap { $0.split(separator: ",") }
        guard !counts.isEmpty, counts.allSatisfy({ Int($0.replacingOccurrences(of: "_", with: "")).map { $0 > 0 } ?? false }) else {
            throw ValidationError("--partitions takes positive integers, got \(partitionArguments.joined(separator: " "))")
        }
        guard topicsSize > 0 else { throw ValidationError("--topics-size must be positive, got \(topicsSize)") }
        let names = modes.split(separator: ",")
        guard !names.isEmpty, names.allSatisfy({ ClusterMode(parsing: String($0)) != nil }) else {
            throw ValidationError("--modes takes zk and/or kraft, got \(modes)")
        }
        for path in [csv, svg].compactMap({ $0 }) {
            let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard FileManager.default.fileExists(atPath: parent) else {
                throw ValidationError("cannot write \(path): directory \(parent) does not exist")
            }
        }
    }

    func run() async throws {
        let directory = dir ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("zkafka-compare-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let comparison = ModeComparison(
            partitionCounts: partitionCounts, partitionsPerTopic: topicsSize, directory: directory, keep: keep, modes: clusterModes)
        let started = ContinuousClock.now
        let output = FileHandle.standardOutput  // progress appears as it happens, also when piped
        let rows = await comparison.run { line in
            let elapsed = (ContinuousClock.now - started).components.seconds
            output.write(Data(String(format: "  %3d:%02d %@\n", elapsed / 60, elapsed % 60, line).utf8))
        }
        if !keep && dir == nil { try? FileManager.default.removeItem(atPath: directory) }
        let seconds = (ContinuousClock.now - started).components.seconds
        let title = "zkafka compare: ZooKeeper mode vs KRaft, 3 brokers, RF 3, \(ProcessInfo.processInfo.activeProcessorCount) cores, one run (\(seconds) s)"
        print("")
        print(title)
        print("")
        print(ModeComparisonReport.table(rows))
        if let csv {
            try ModeComparisonReport.csv(rows).write(toFile: csv, atomically: true, encoding: .utf8)
            print("CSV written to \(csv)")
        }
        if let svg {
            try ModeComparisonChart.svg(rows, title: title).write(toFile: svg, atomically: true, encoding: .utf8)
            print("SVG chart written to \(svg)")
        }
    }
}
