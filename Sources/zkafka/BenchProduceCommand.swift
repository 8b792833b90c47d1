import ArgumentParser
import Benchmarks
import Foundation

/// `zkafka bench produce`: producer and consumer throughput and end-to-end latency on a local
/// cluster, kcat (librdkafka) beside this project's client, against the machine's limits.
struct BenchProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Producer/consumer throughput and end-to-end latency on a local 3-broker cluster.",
        discussion: """
            Measures the log directory's sequential write bandwidth (with and without fsync) and loopback \
            TCP bandwidth, starts 3 ZooKeeper servers and 3 brokers in a temporary directory, then for RF 1 \
            (acks=1) and RF 3 with min.insync.replicas=2 (acks=all) times kcat -P over a file of N lines and \
            the project's KafkaProducer (linger.ms=5, 256 KiB batches), each into a fresh topic whose end \
            offsets are checked; times kcat -C and KafkaConsumer reading N records; and measures end-to-end \
            latency with records sent one per millisecond. Build with -c release for meaningful figures.
            """
    )

    @Option(help: "Records per throughput run.")
    var records = 1_000_000

    @Option(help: "Bytes per record value.")
    var recordSize = 100

    @Option(help: "Partitions per topic.")
    var partitions = 6

    @Option(help: "Records in each end-to-end latency run (one per millisecond).")
    var latencyRecords = 2_000

    @Option(help: "Directory for the cluster and the record file (default: a new temporary directory).")
    var dir: String?

    @Flag(help: "Leave the cluster running.")
    var keep = false

    @Flag(help: "Run the cluster in containers (as `zkafka cluster up --containers`): clients reach the brokers through published ports.")
    var containers = false

    func validate() throws {
        guard records > 0 else { throw ValidationError("--records must be positive, got \(records)") }
        guard recordSize >= 8 else { throw ValidationError("--record-size must be at least 8 (the latency stamp), got \(recordSize)") }
        guard partitions > 0 else { throw ValidationError("--partitions must be positive, got \(partitions)") }
        guard latencyRecords > 0 else { throw ValidationError("--latency-records must be positive, got \(latencyRecords)") }
    }

    func run() async throws {
        let progressOutput = FileHandle.standardOutput
        let directory = dir ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("zkafka-bench-produce-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var benchmark = ProduceBenchmark(
            records: records, recordSize: recordSize, partitions: partitions, latencyRecords: latencyRecords,
            directory: directory, keep: keep)
        benchmark.containers = containers
        let started = ContinuousClock.now
        let result = try await benchmark.run { progressOutput.write(Data("  \($0)\n".utf8)) }
        if !keep && dir == nil { try? FileManager.default.removeItem(atPath: directory) }
        print("")
        print("zkafka bench produce: 3 ZooKeeper servers, 3 brokers\(containers ? " in containers" : ""), \(ProcessInfo.processInfo.activeProcessorCount) cores, "
            + "one run (\(Int((ContinuousClock.now - started).components.seconds)) s)")
        print("")
        print(ProduceBenchmarkTable.render(result))
    }
}
