import ArgumentParser
import Benchmarks
import Foundation
import LocalCluster

/// `zkafka bench zk`: pipelined versus one-at-a-time ZooKeeper throughput, beside a plain C loop.
struct BenchZooKeeperCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zk",
        abstract: "ZooKeeper create/get/set throughput: one at a time, pipelined, and a plain C loop.",
        discussion: """
            Without --connect, starts a local 3-node ensemble in a temporary directory for the run \
            and stops it afterwards. Each pipelined figure is measured with the same window for the \
            Swift client and for a C loop over libzookeeper_mt's asynchronous API.
            """
    )

    @Option(help: "ZooKeeper connect string (default: a local 3-node ensemble started for the run).")
    var connect: String?

    @Option(help: "Operations per pipelined run.")
    var ops = 20_000

    @Option(help: "Operations per one-at-a-time run (default: ops / 10).")
    var oneAtATimeOps: Int?

    @Option(help: "Requests in flight in the pipelined runs.")
    var window = 100

    @Option(help: "Rounds; each figure is the best round's.")
    var rounds = 3

    @Option(help: "Bytes of data per znode.")
    var valueBytes = 100

    func validate() throws {
        guard ops > 0 else { throw ValidationError("--ops must be positive, got \(ops)") }
        guard rounds > 0 else { throw ValidationError("--rounds must be positive, got \(rounds)") }
        guard window > 0 else { throw ValidationError("--window must be positive, got \(window)") }
        guard valueBytes >= 0 else { throw ValidationError("--value-bytes must not be negative, got \(valueBytes)") }
        if let oneAtATimeOps, oneAtATimeOps <= 0 {
            throw ValidationError("--one-at-a-time-ops must be positive, got \(oneAtATimeOps)")
        }
    }

    func run() async throws {
        var ensemble: (cluster: LocalCluster, directory: String)?
        let connectString: String
        if let connect {
            connectString = connect
        } else {
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("zkafka-bench-zk-\(UUID().uuidString.prefix(8))").path
            let cluster = LocalCluster(directory: directory)
            print("Starting a local 3-node ZooKeeper ensemble in \(directory) ...")
            connectString = try cluster.up(zookeepers: 3, brokers: 0).zookeeper.connect
            ensemble = (cluster, directory)
        }
        defer {
            if let ensemble {
                try? ensemble.cluster.down()
                try? FileManager.default.removeItem(atPath: ensemble.directory)
            }
        }
        let benchmark = ZooKeeperBenchmark(
            connect: connectString, operations: ops, oneAtATimeOperations: oneAtATimeOps ?? max(1, ops / 10),
            window: window, valueLength: valueBytes, rounds: rounds)
        let rows = try await benchmark.run { print("  \($0)") }
        print("")
        print("ZooKeeper at \(connectString), \(valueBytes)-byte values")
        print(ZooKeeperBenchmark.render(rows, window: window, rounds: rounds))
    }
}
