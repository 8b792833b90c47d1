import ArgumentParser
import Benchmarks
import Foundation

/// `zkafka bench metadata`: what a KRaft broker pays to publish one metadata delta into its metadata cache.
struct BenchMetadataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata",
        abstract: "Publishing one ISR-change delta into a KRaft broker's metadata cache: the full image vs only what changed.",
        discussion: """
            Each delta is one PartitionChangeRecord on a topic of N partitions (RF 3, 3 brokers): "full image" \
            republishes every partition (as KRaft brokers did before) and compares every partition for local \
            leadership changes; "incremental" publishes and compares the touched partitions only. Ratios are from \
            this one run; build in release mode for meaningful figures.
            """
    )

    @Option(name: .customLong("partitions"), help: "Partition counts, comma-separated.")
    var partitions = "1000,10000,100000"

    @Option(help: "Seconds spent on each row.")
    var seconds: Double = 1

    var partitionCounts: [Int] { partitions.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        guard seconds > 0 else { throw ValidationError("--seconds must be positive, got \(seconds)") }
        guard !partitionCounts.isEmpty, partitionCounts.count == partitions.split(separator: ",").count, partitionCounts.allSatisfy({ $0 > 0 })
        else { throw ValidationError("--partitions must be positive integers separated by commas, got '\(partitions)'") }
    }

    func run() throws {
        let rows = try MetadataPublishBenchmark.run(partitionCounts: partitionCounts, secondsPerRow: seconds)
        print("partitions  implementation       deltas      µs/delta   vs incremental")
        for row in rows {
            let incremental = rows.first { $0.partitions == row.partitions && $0.implementation == "incremental" }
            let ratio = incremental.map { row.microsecondsPerDelta / $0.microsecondsPerDelta } ?? 1
            print(
                String(row.partitions).padding(toLength: 12, withPad: " ", startingAt: 0)
                    + row.implementation.padding(toLength: 18, withPad: " ", startingAt: 0)
                    + String(format: "%9d %13.1f %14.1f×", row.deltas, row.microsecondsPerDelta, ratio))
        }
    }
}
