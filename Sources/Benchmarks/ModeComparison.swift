import Foundation
import LocalCluster

/// `zkafka compare`: for each partition count, `ControllerBenchmark`'s scenarios on a fresh
/// ZooKeeper-mode cluster (3 ZooKeeper servers, 3 brokers) and then on a fresh KRaft cluster (3
/// controllers, 3 brokers), one after the other on the same machine, never both at once.
public struct ModeComparison: Sendable {
    public var partitionCounts: [Int]
    public var partitionsPerTopic: Int
    public var directory: String
    public var keep: Bool
    public var modes: [ClusterMode]

    public init(partitionCounts: [Int], partitionsPerTopic: Int, directory: String, keep: Bool = false, modes: [ClusterMode] = ClusterMode.allCases) {
        self.partitionCounts = partitionCounts
        self.partitionsPerTopic = partitionsPerTopic
        self.directory = directory
        self.keep = keep
        self.modes = modes
    }

    /// `progress` gets one line per step, prefixed with the row's place in the run ("[2/6] kraft N=1000: ...").
    public func run(progress: @escaping @Sendable (String) -> Void = { _ in }) async -> [ModeComparisonRow] {
        var rows: [ModeComparisonRow] = []
        let total = partitionCounts.count * modes.count
        var done = 0
        for partitions in partitionCounts.sorted() {
            for mode in modes {
                done += 1
                let label = "[\(done)/\(total)] \(mode.rawValue)"
                // The ensemble measurement is ZooKeeper's own limit, not one of the compared scenarios: keep it short.
                let benchmark = ControllerBenchmark(
                    partitionCounts: [partitions], partitionsPerTopic: partitionsPerTopic, directory: directory, keep: keep,
                    maxRowMinutes: .infinity, ensembleOperations: 1_000, mode: mode)
                var fixed = 0.0
                do {
                    let result = try await benchmark.runRow(partitions: partitions, progress: { progress("\(label) \($0)") }) { fixed = $0 }
                    rows.append(ModeComparisonRow(mode: mode, result: result))
                } catch {
                    var failed = ModeComparisonRow(mode: mode, partitions: partitions)
                    failed.notes.append("N=\(partitions) \(mode.rawValue): failed: \(error)")
                    progress("\(label) N=\(partitions): failed: \(error)")
                    rows.append(failed)
                }
                _ = fixed
            }
        }
        return rows
    }
}
