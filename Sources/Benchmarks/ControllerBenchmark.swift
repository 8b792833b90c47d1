import Foundation
import KafkaModel
import KafkaZooKeeperData
import LocalCluster
import ZooKeeper

/// `zkafka bench controller`: the ZooKeeper-mode controller's failover, broker-death, controlled
/// shutdown and memory figures on a local cluster (3 ZooKeeper servers, 3 brokers, RF 3), one
/// fresh cluster per partition count, beside the ensemble's own pipelined read and write rates
/// measured on the same cluster.
///
/// Each row: the ensemble's rates (`ZooKeeperBenchmark`); topics written to
/// `/brokers/topics/<t>` until every cache has every leader; kill -9 of a non-controller broker
/// (a third of the leaders); its restart and ISR restoration; SIGTERM of the other non-controller
/// broker (controlled shutdown); its restart and ISR restoration; kill -9 of the controller.
///
/// Between steps (untimed) the restarted broker's replicas catch up through the data plane and their
/// leaders put them back in the ISRs (conditional state-znode writes and `/isr_change_notification`,
/// as Kafka 2.8 leaders do with an inter-broker protocol below 2.7); the benchmark waits for that.
public struct ControllerBenchmark: Sendable {
    public var partitionCounts: [Int]
    public var partitionsPerTopic: Int
    /// Each row's cluster lives in `directory/n<N>`.
    public var directory: String
    /// Leave each row's cluster running (and its directory) instead of stopping it.
    public var keep: Bool
    /// A row whose estimate (from the previous row, linearly in partitions) exceeds this is not run.
    public var maxRowMinutes: Double
    /// Operations per pipelined run of the ensemble measurement.
    public var ensembleOperations: Int
    /// Extra `server.properties` lines for every broker (`key=value`), after `defaultBrokerProperties`.
    public var brokerProperties: [String]
    /// ZooKeeper mode (3 ZooKeeper servers, 3 brokers, one of which is the controller) or KRaft
    /// (3 controller-only nodes, 3 brokers): the same scenarios either way (`ControllerBenchmarkRun`).
    public var mode: ClusterMode
    /// Run each row's cluster in containers (`LocalCluster.upContainers`) instead of processes.
    public var containers: Bool

    /// Automatic preferred-leader rebalancing is off, so the only leadership moves are the measured
    /// ones (with it on, a check every `leader.imbalance.check.interval.seconds` may land mid-step).
    public static let defaultBrokerProperties = ["auto.leader.rebalance.enable=false"]

    static let topicPrefix = "bench-"
    static let brokerCount = 3
    static let replicationFactor = 3

    public init(
        partitionCounts: [Int], partitionsPerTopic: Int, directory: String, keep: Bool, maxRowMinutes: Double,
        ensembleOperations: Int = 10_000, brokerProperties: [String] = [], mode: ClusterMode = .zookeeper,
        containers: Bool = false
    ) {
        self.mode = mode
        self.containers = containers
        self.partitionCounts = partitionCounts
        self.partitionsPerTopic = partitionsPerTopic
        self.directory = directory
        self.keep = keep
        self.maxRowMinutes = maxRowMinutes
        self.ensembleOperations = ensembleOperations
        self.brokerProperties = brokerProperties
    }

    /// Runs every row in increasing partition count. A row that fails is reported with its error;
    /// later rows still run.
    public func run(progress: @escaping @Sendable (String) -> Void = { _ in }) async -> [ControllerBenchmarkResult] {
        var results: [ControllerBenchmarkResult] = []
        var basis: (partitions: Int, variableSeconds: Double, fixedSeconds: Double)?
        for partitions in partitionCounts.sorted() {
            if let basis {
                let estimate = basis.fixedSeconds + basis.variableSeconds * Double(partitions) / Double(basis.partitions)
                if estimate / 60 > maxRowMinutes {
                    var skipped = ControllerBenchmarkResult(partitions: partitions)
                    skipped.skipped = String(
                        format: "not run: estimated %.0f min from N=%d (limit %.0f min, --max-row-minutes)",
                        estimate / 60, basis.partitions, maxRowMinutes)
                    progress("N=\(partitions): \(skipped.skipped!)")
                    results.append(skipped)
                    continue
                }
            }
            var fixedSeconds = 0.0
            do {
                let row = try await runRow(partitions: partitions, progress: progress) { fixedSeconds = $0 }
                results.append(row)
                if let seconds = row.rowSeconds {
                    basis = (partitions, max(0, seconds - fixedSeconds), fixedSeconds)
                }
            } catch {
                var failed = ControllerBenchmarkResult(partitions: partitions)
                failed.skipped = "failed: \(error)"
                progress("N=\(partitions): failed: \(error)")
                results.append(failed)
            }
        }
        return results
    }

    /// One row on a fresh cluster. `reportFixed` gets the seconds that do not grow with N (cluster
    /// start and the ensemble measurement).
    func runRow(
        partitions: Int, progress: @escaping @Sendable (String) -> Void, reportFixed: (Double) -> Void
    ) async throws -> ControllerBenchmarkResult {
        let rowStart = ContinuousClock.now
        var result = ControllerBenchmarkResult(partitions: partitions)
        let rowDirectory = "\(directory)/\(mode == .kraft ? "kraft-" : "")n\(partitions)"
        let cluster = LocalCluster(directory: rowDirectory)
        try FileManager.default.createDirectory(atPath: rowDirectory, withIntermediateDirectories: true)
        let properties = Self.defaultBrokerProperties + brokerProperties
        try ("# zkafka bench controller\n" + properties.joined(separator: "\n") + "\n")
            .write(toFile: rowDirectory + "/broker-overrides.properties", atomically: true, encoding: .utf8)
        let plane: any ControlPlane
        let descriptor: ClusterDescriptor
        if mode == .kraft {
            progress("N=\(partitions): starting 3 KRaft controllers and 3 brokers in \(rowDirectory) (\(properties.joined(separator: ", ")))")
            let outcome = try await WallClock.offPool { try cluster.upKRaft(controllers: 3, brokers: Self.brokerCount) }
            for note in outcome.notes { progress("N=\(partitions): \(note)") }
            result.notes += outcome.notes.map { "N=\(partitions) kraft: \($0)" }
            descriptor = outcome.descriptor
        } else {
            progress("N=\(partitions): starting 3 ZooKeeper servers and 3 brokers\(containers ? " in containers" : "") in \(rowDirectory) (\(properties.joined(separator: ", ")))")
            descriptor = try await WallClock.offPool { [containers] in
                containers
                    ? try cluster.upContainers(zookeepers: 3, brokers: Self.brokerCount)
                    : try cluster.up(zookeepers: 3, brokers: Self.brokerCount)
            }
        }
        defer {
            if keep {
                progress("N=\(partitions): cluster left running: zkafka cluster down --dir \(rowDirectory)")
            } else {
                try? cluster.down()
                try? FileManager.default.removeItem(atPath: rowDirectory)
            }
        }
        if mode == .kraft {
            plane = KRaftControlPlane(cluster: cluster)
            reportFixed((ContinuousClock.now - rowStart).seconds)
        } else {
            let connect = descriptor.zookeeper.connect
            progress("N=\(partitions): measuring the ensemble (\(ensembleOperations) pipelined ops per operation)")
            let ensemble = try await ZooKeeperBenchmark(
                connect: connect, operations: ensembleOperations, oneAtATimeOperations: max(1, ensembleOperations / 50),
                window: 100, rounds: 1
            ).run()
            result.ensembleReadsPerSecond = ensemble.first { $0.operation == .get }?.pipelined
            result.ensembleWritesPerSecond = ensemble.first { $0.operation == .set }?.pipelined
            reportFixed((ContinuousClock.now - rowStart).seconds)
            let zooKeeper = try await ZooKeeperClient.connect(try ZooKeeperConfiguration(connect: connect, maxInFlightRequests: 100))
            plane = ZooKeeperControlPlane(cluster: cluster, kafka: KafkaZooKeeperClient(zooKeeper: zooKeeper))
        }
        let run = ControllerBenchmarkRun(
            partitions: partitions, partitionsPerTopic: partitionsPerTopic, cluster: cluster, plane: plane,
            progress: { progress("N=\(partitions): \($0)") })
        do {
            try await run.measure(into: &result)
        } catch {
            // Keep what was measured; the table shows "-" for the rest and the note says why.
            result.notes.append("N=\(partitions): stopped early: \(error)")
            progress("N=\(partitions): stopped early: \(error)")
        }
        await plane.close()
        result.rowSeconds = (ContinuousClock.now - rowStart).seconds
        return result
    }
}
