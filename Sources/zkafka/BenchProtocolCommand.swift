import ArgumentParser
import Foundation
import Benchmarks
import KafkaProtocol

/// `zkafka bench protocol`: encode and decode throughput of realistic produce and fetch traffic.
struct BenchProtocolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protocol",
        abstract: "Encode/decode throughput (MB/s, batches/s) of a produce request and a fetch response.",
        discussion: """
            Produce: a v7 request with one 16 KiB batch of 100-byte records. Fetch: a v11 response \
            with 64 such batches. Build in release mode for meaningful figures.
            """
    )

    @Option(help: "Seconds spent on each workload.")
    var seconds: Double = 1.0

    func validate() throws {
        guard seconds > 0 else { throw ValidationError("--seconds must be positive, got \(seconds)") }
    }

    func run() throws {
        let rows = try ProtocolBenchmark.run(secondsPerWorkload: seconds)
        print("workload".padding(toLength: 48, withPad: " ", startingAt: 0) + "      MB/s    batches/s")
        for row in rows {
            print(
                row.name.padding(toLength: 48, withPad: " ", startingAt: 0)
                    + String(format: "%10.1f %12.0f", row.megabytesPerSecond, row.batchesPerSecond))
        }
    }
}
