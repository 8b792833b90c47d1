import ArgumentParser
import Benchmarks
import Foundation

/// `zkafka bench json`: the znode JSON codec against Foundation's Codable and JSONSerialization.
struct BenchJSONCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "json",
        abstract: "Decode/encode speed of znode JSON: the hand-written codec vs JSONDecoder/JSONEncoder and JSONSerialization.",
        discussion: """
            Payloads the controller reads in bulk: a partition state znode (one per partition at failover) and a \
            topic znode of 1,000 partitions. Ratios are against the hand-written codec, from this one run. Build in \
            release mode for meaningful figures.
            """
    )

    @Option(help: "Seconds spent on each row.")
    var seconds: Double = 0.5

    func validate() throws {
        guard seconds > 0 else { throw ValidationError("--seconds must be positive, got \(seconds)") }
    }

    func run() throws {
        let rows = try ZNodeJSONBenchmark.run(secondsPerRow: seconds)
        print("payload".padding(toLength: 42, withPad: " ", startingAt: 0)
            + "implementation".padding(toLength: 32, withPad: " ", startingAt: 0) + "     µs/op   vs hand-written")
        for row in rows {
            let verb = row.implementation.hasSuffix("encode") ? "encode" : "decode"
            let baseline = rows.first { $0.payload == row.payload && $0.implementation == "hand-written \(verb)" }
            let ratio = baseline.map { row.microsecondsPerOperation / $0.microsecondsPerOperation } ?? 1
            print(
                row.payload.padding(toLength: 42, withPad: " ", startingAt: 0)
                    + row.implementation.padding(toLength: 32, withPad: " ", startingAt: 0)
                    + String(format: "%10.2f %12.2f×", row.microsecondsPerOperation, ratio))
        }
    }
}
