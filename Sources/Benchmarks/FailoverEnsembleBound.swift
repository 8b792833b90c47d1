import Foundation
import KafkaModel
import KafkaZooKeeperData
import ZooKeeper

/// What the ensemble alone lets a ZooKeeper-mode controller failover take, measured on the populated tree just
/// before the active controller is killed (issue 14).
///
/// The row's ensemble figures are measured before any topic exists; at 100,000 partitions the servers hold
/// 200,000 more znodes and answer more slowly. And the failover does not only read: Kafka 2.8's
/// `onControllerFailover` moves every replica of a dead broker to OfflineReplica (`ReplicaStateMachine.startup`,
/// an ISR write for every partition the broker was in the ISR of) and elects a leader for every partition it led.
/// The controller being a broker, killing it leaves its replica in every ISR of the bench's cluster (RF 3 on 3
/// brokers), so the state machines must write every partition once. The bound is therefore the time to read the
/// N partition-state znodes (the failover's own read set, pipelined as the controller reads it) plus the time to
/// write as many partition states as the failover wrote, at the rate of fenced multis of 100 (as the controller
/// writes them), both measured here, on the same tree.
struct FailoverEnsembleBound: Sendable, Codable, Equatable {
    /// Pipelined reads of every partition's `state` znode, window 100: seconds.
    var partitionStateReadSeconds: Double
    /// Partition states per second written in fenced multis of 100 setData (plus the epoch check), up to 100
    /// multis in flight, on scratch znodes.
    var multiWritesPerSecond: Double

    /// The bound for a failover that wrote `writes` partition states.
    func seconds(writes: Int) -> Double {
        partitionStateReadSeconds + Double(writes) / multiWritesPerSecond
    }

    /// Partitions per multi: `ZooKeeperPartitionStateStore.batchSize`, as the controller writes.
    static let batchSize = 100
    /// Scratch partition states written to measure the multi rate (the tree's state znodes are not touched: a
    /// write would bump their versions under the leaders' AlterIsr).
    static let scratchWrites = 10_000

    /// Measures both figures through `zooKeeper`; removes the scratch znodes before returning.
    static func measure(zooKeeper: ZooKeeperClient, partitions: [TopicPartition]) async throws -> FailoverEnsembleBound {
        let paths = partitions.map { ZNodePaths.partitionState($0.topic, $0.partition) }
        let readStart = ContinuousClock.now
        let answers = await zooKeeper.getDataPipelined(paths, window: 100)
        let readSeconds = (ContinuousClock.now - readStart).seconds
        for case .failure(let error) in answers {
            throw BenchmarkError("reading the partition state znodes for the failover bound failed: \(error)")
        }

        let root = "/zkafka-bench-multi-\(UUID().uuidString.prefix(8).lowercased())"
        try await zooKeeper.createRecursive(root)
        // A sample state JSON of the size the controller writes.
        let data = Array(#"{"controller_epoch":2,"leader":1,"version":1,"leader_epoch":3,"isr":[1,2]}"#.utf8)
        let scratch = (0..<scratchWrites).map { "\(root)/p\($0)" }
        let batches = stride(from: 0, to: scratch.count, by: batchSize).map { Array(scratch[$0..<min($0 + batchSize, scratch.count)]) }
        try await inFlight(batches) { batch in
            try await zooKeeper.multi(batch.map { ZooKeeperOperation.create(path: $0, data: data) })
        }
        let writeStart = ContinuousClock.now
        try await inFlight(batches) { batch in
            // The controller's fence: a version check on a znode of its own, then the setData ops.
            try await zooKeeper.multi([.check(path: root, version: 0)] + batch.map { .setData(path: $0, data: data, version: 0) })
        }
        let writeSeconds = (ContinuousClock.now - writeStart).seconds
        try await inFlight(batches) { batch in
            try await zooKeeper.multi(batch.map { ZooKeeperOperation.delete(path: $0) })
        }
        try await zooKeeper.delete(root)
        return FailoverEnsembleBound(
            partitionStateReadSeconds: readSeconds, multiWritesPerSecond: Double(scratch.count) / max(writeSeconds, 0.001))
    }

    /// Runs `body` for every batch with up to 100 in flight.
    private static func inFlight(_ batches: [[String]], _ body: @escaping @Sendable ([String]) async throws -> [ZooKeeperOperationResult]) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, batch) in batches.enumerated() {
                if index >= 100 { try await group.next() }
                group.addTask { _ = try await body(batch) }
            }
            try await group.waitForAll()
        }
    }

    /// The partition states the new controller's failover wrote, from its log line "Partition states of this
    /// event: X written ahead (… Z not planned, …)" (written ahead plus the state machines' writes the plan did
    /// not predict): the first such line after `offset`, which is the failover event's.
    static func failoverWrites(log: String, from offset: Int) -> Int? {
        ControllerBenchmarkRun.logText(log, from: offset).flatMap(failoverWrites(in:))
    }

    static func failoverWrites(in text: String) -> Int? {
        let pattern = /Partition states of this event: (\d+) written ahead \(\d+ state machine writes answered by them, (\d+) not planned/
        for line in text.split(separator: "\n") {
            if let match = try? pattern.firstMatch(in: line), let ahead = Int(match.output.1), let missed = Int(match.output.2) {
                return ahead + missed
            }
        }
        return nil
    }
}
