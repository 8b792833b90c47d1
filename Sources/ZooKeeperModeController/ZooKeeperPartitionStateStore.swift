import Foundation
import Synchronization
import KafkaController
import KafkaModel
import KafkaZooKeeperData
import ZooKeeper

/// The controller's partition state znodes over a real ZooKeeper session (Kafka's
/// `KafkaZkClient.getTopicPartitionStatesRaw`, `createTopicPartitionStatesRaw`, `updateLeaderAndIsr`).
/// Reads and writes are pipelined (many requests in flight, bounded by the session's window); every
/// write is fenced by the controller epoch's znode version.
///
/// Threading contract: called on the controller event thread, which blocks until ZooKeeper answers.
final class ZooKeeperPartitionStateStore: PartitionStateStore {
    let session: ControllerSession
    let uncleanLeaderElectionDefault: Bool

    init(session: ControllerSession, uncleanLeaderElectionDefault: Bool) {
        self.session = session
        self.uncleanLeaderElectionDefault = uncleanLeaderElectionDefault
    }

    func partitionStates(
        _ partitions: [TopicPartition]
    ) throws -> [TopicPartition: Result<LeaderISRAndControllerEpoch?, PartitionStateStoreError>] {
        // Reads lost to CONNECTIONLOSS are read again once the session reconnects, as every other controller
        // operation is (Kafka's `retryRequestsUntilConnected`): a failover must not leave partitions out of its
        // context because the connection dropped mid-read. Other failures are answered as they are.
        let deadline = ContinuousClock.now + ZooKeeperModeController.connectionLossRetryLimit
        var (states, lost) = try readPartitionStates(partitions)
        while !lost.isEmpty && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            let retried = try readPartitionStates(lost)
            for (partition, state) in retried.states { states[partition] = state }
            lost = retried.lost
        }
        return states
    }

    private func readPartitionStates(
        _ partitions: [TopicPartition]
    ) throws -> (states: [TopicPartition: Result<LeaderISRAndControllerEpoch?, PartitionStateStoreError>], lost: [TopicPartition]) {
        // One pipelined batch: each answer's C completion issues the next read (bulk window, 100 in flight), and
        // this thread — the controller event thread, which Kafka also blocks on ZooKeeper — waits for all of them
        // without a task per read or a hop through the cooperative pool (issue 14). Decoded here afterwards.
        let zooKeeper = session.current.zooKeeper
        let paths = partitions.map { ZNodePaths.partitionState($0.topic, $0.partition) }
        let answers = Mutex<[ZNodeRead]>([])
        let done = DispatchSemaphore(value: 0)
        zooKeeper.getDataPipelined(paths) { results in
            answers.withLock { $0 = results }
            done.signal()
        }
        done.wait()
        var states: [TopicPartition: Result<LeaderISRAndControllerEpoch?, PartitionStateStoreError>] = [:]
        var lost: [TopicPartition] = []
        states.reserveCapacity(partitions.count)
        for (partition, answer) in zip(partitions, answers.withLock { $0 }) {
            switch answer {
            case .success(let (data, stat)):
                do {
                    states[partition] = .success(try TopicPartitionStateZNode.decode(partition, data: data, zkVersion: stat.version))
                } catch {
                    states[partition] = .failure(Self.storeError(error))
                }
            case .failure(let error) where error.code == .noNode:
                states[partition] = .success(nil)
            case .failure(let error):
                states[partition] = .failure(Self.storeError(error))
                if error.code.isRetriable { lost.append(partition) }
            }
        }
        return (states, lost)
    }


    func createPartitionStates(
        _ states: [TopicPartition: LeaderISRAndControllerEpoch], expectedControllerEpochZKVersion: Int32
    ) throws -> [TopicPartition: Result<Int32, PartitionStateStoreError>] {
        let kafka = session.current
        let version = expectedControllerEpochZKVersion
        return try Self.fenced {
            try BlockingBridge.runAsync {
                // Each topic's `partitions` znode first, tolerating ones that exist.
                for topic in Set(states.keys.map(\.topic)) {
                    try await Self.createIgnoringExists(kafka, ZNodePaths.partitions(topic), version)
                }
                // Then per batch, one fenced multi creating `partitions/<p>` and its `state` for every
                // partition of the batch; if that fails as a whole (say one `partitions/<p>` exists),
                // the batch is done one partition at a time, as before batching.
                return try await withThrowingTaskGroup(of: [(TopicPartition, Result<Int32, PartitionStateStoreError>)].self) { group in
                    for batch in Self.batches(Array(states)) {
                        group.addTask {
                            let operations = batch.flatMap { partition, state in
                                [
                                    ZooKeeperOperation.create(path: ZNodePaths.partition(partition.topic, partition.partition), data: nil),
                                    .create(path: ZNodePaths.partitionState(partition.topic, partition.partition),
                                            data: TopicPartitionStateZNode.encode(state)),
                                ]
                            }
                            do {
                                _ = try await kafka.fencedMulti(operations, expectedControllerEpochZKVersion: version)
                                return batch.map { ($0.key, .success(0)) }
                            } catch let error as ControllerMovedError {
                                throw error
                            } catch {}
                            return try await withThrowingTaskGroup(of: (TopicPartition, Result<Int32, PartitionStateStoreError>).self) { single in
                                for (partition, state) in batch {
                                    single.addTask { try await Self.createOne(kafka, partition, state, version: version) }
                                }
                                return try await single.reduce(into: []) { $0.append($1) }
                            }
                        }
                    }
                    return try await group.reduce(into: [:]) { result, created in for (partition, outcome) in created { result[partition] = outcome } }
                }
            }
        }
    }

    /// One partition's `partitions/<p>` (tolerating an existing one) and fenced `state` create.
    private static func createOne(
        _ kafka: KafkaZooKeeperClient, _ partition: TopicPartition, _ state: LeaderISRAndControllerEpoch, version: Int32
    ) async throws -> (TopicPartition, Result<Int32, PartitionStateStoreError>) {
        try await createIgnoringExists(kafka, ZNodePaths.partition(partition.topic, partition.partition), version)
        do {
            _ = try await kafka.fencedMulti(
                [.create(path: ZNodePaths.partitionState(partition.topic, partition.partition), data: TopicPartitionStateZNode.encode(state))],
                expectedControllerEpochZKVersion: version)
            return (partition, .success(0))
        } catch let error as ControllerMovedError {
            throw error
        } catch {
            return (partition, .failure(storeError(error)))
        }
    }

    func updateLeaderAndISR(
        _ leaderAndISRs: [TopicPartition: LeaderAndISR], controllerEpoch: Int32, expectedControllerEpochZKVersion: Int32
    ) throws -> [TopicPartition: Result<LeaderAndISR, PartitionStateStoreError>] {
        let kafka = session.current
        let version = expectedControllerEpochZKVersion
        return try Self.fenced {
            try BlockingBridge.runAsync {
                try await withThrowingTaskGroup(of: [(TopicPartition, Result<LeaderAndISR, PartitionStateStoreError>)].self) { group in
                    for batch in Self.batches(Array(leaderAndISRs)) {
                        group.addTask {
                            if let written = try await Self.updateBatch(kafka, batch, controllerEpoch: controllerEpoch, version: version) {
                                return written
                            }
                            // The batch failed as a whole: write its partitions one by one for per-partition outcomes.
                            return try await withThrowingTaskGroup(of: (TopicPartition, Result<LeaderAndISR, PartitionStateStoreError>).self) { single in
                                for (partition, leaderAndISR) in batch {
                                    single.addTask {
                                        try await Self.updateOne(kafka, partition, leaderAndISR, controllerEpoch: controllerEpoch, version: version)
                                    }
                                }
                                return try await single.reduce(into: []) { $0.append($1) }
                            }
                        }
                    }
                    return try await group.reduce(into: [:]) { result, written in for (partition, outcome) in written { result[partition] = outcome } }
                }
            }
        }
    }

    /// One fenced write of one partition's state (Kafka's per-partition `updateLeaderAndIsr` request).
    private static func updateOne(
        _ kafka: KafkaZooKeeperClient, _ partition: TopicPartition, _ leaderAndISR: LeaderAndISR, controllerEpoch: Int32,
        version: Int32
    ) async throws -> (TopicPartition, Result<LeaderAndISR, PartitionStateStoreError>) {
                            let data = TopicPartitionStateZNode.encode(
                                LeaderISRAndControllerEpoch(leaderAndISR: leaderAndISR, controllerEpoch: controllerEpoch))
                            do {
                                let results = try await kafka.fencedMulti(
                                    [.setData(path: ZNodePaths.partitionState(partition.topic, partition.partition), data: data,
                                              version: leaderAndISR.zkVersion)],
                                    expectedControllerEpochZKVersion: version)
                                guard case .setData(let stat) = results.first else {
                                    return (partition, .failure(.other("unexpected multi result")))
                                }
                                var written = leaderAndISR
                                written.zkVersion = stat.version
                                return (partition, .success(written))
                            } catch let error as ControllerMovedError {
                                throw error
                            } catch {
                                return (partition, .failure(Self.storeError(error)))
                            }
    }

    /// Many partitions' states in one fenced multi: one ZooKeeper transaction instead of one per
    /// partition. Nil if the multi failed for another reason than the epoch check (a stale
    /// zkVersion, a missing znode): the caller then writes that batch one partition at a time, so
    /// every partition gets exactly the outcome it would have had alone.
    private static func updateBatch(
        _ kafka: KafkaZooKeeperClient, _ batch: [(key: TopicPartition, value: LeaderAndISR)], controllerEpoch: Int32,
        version: Int32
    ) async throws -> [(TopicPartition, Result<LeaderAndISR, PartitionStateStoreError>)]? {
        let operations = batch.map { partition, leaderAndISR in
            ZooKeeperOperation.setData(
                path: ZNodePaths.partitionState(partition.topic, partition.partition),
                data: TopicPartitionStateZNode.encode(LeaderISRAndControllerEpoch(leaderAndISR: leaderAndISR, controllerEpoch: controllerEpoch)),
                version: leaderAndISR.zkVersion)
        }
        let results: [ZooKeeperOperationResult]
        do {
            results = try await kafka.fencedMulti(operations, expectedControllerEpochZKVersion: version)
        } catch let error as ControllerMovedError {
            throw error
        } catch {
            return nil
        }
        var written: [(TopicPartition, Result<LeaderAndISR, PartitionStateStoreError>)] = []
        for ((partition, leaderAndISR), result) in zip(batch, results) {
            guard case .setData(let stat) = result else {
                written.append((partition, .failure(.other("unexpected multi result"))))
                continue
            }
            var updated = leaderAndISR
            updated.zkVersion = stat.version
            written.append((partition, .success(updated)))
        }
        return written
    }

    /// Partitions per batched multi: a few kilobytes of state JSON, far below ZooKeeper's 1 MB request limit.
    static let batchSize = 100

    static func batches<T>(_ items: [T]) -> [[T]] {
        stride(from: 0, to: items.count, by: batchSize).map { Array(items[$0..<min($0 + batchSize, items.count)]) }
    }

    func uncleanLeaderElectionEnabled(topics: Set<String>) throws -> [String: Bool] {
        let zooKeeper = session.current.zooKeeper
        let fallback = uncleanLeaderElectionDefault
        return try BlockingBridge.run {
            try await withThrowingTaskGroup(of: (String, Bool?).self) { group in
                for topic in topics {
                    group.addTask {
                        do {
                            let data = try await zooKeeper.getData(ZNodePaths.topicConfig(topic)).data
                            let overrides = try TopicConfigZNode.decode(topic: topic, data: data)
                            return (topic, overrides["unclean.leader.election.enable"].map { $0 == "true" } ?? fallback)
                        } catch let error as ZooKeeperError where error.code == .noNode {
                            return (topic, fallback)
                        } catch {
                            return (topic, nil)
                        }
                    }
                }
                return try await group.reduce(into: [:]) { result, pair in if let value = pair.1 { result[pair.0] = value } }
            }
        }
    }

    // MARK: - Helpers

    private static func createIgnoringExists(_ kafka: KafkaZooKeeperClient, _ path: String, _ version: Int32) async throws {
        do {
            _ = try await kafka.fencedMulti([.create(path: path, data: nil)], expectedControllerEpochZKVersion: version)
        } catch let error as ZooKeeperError where error.code == .nodeExists {
            return
        }
    }

    /// Maps a lost fencing check to the controller's own "controller moved" error.
    private static func fenced<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ControllerMovedError {
            throw ControllerError(.controllerMoved, error.description)
        }
    }

    static func storeError(_ error: any Error) -> PartitionStateStoreError {
        if let zooKeeperError = error as? ZooKeeperError {
            switch zooKeeperError.code {
            case .badVersion: return .badVersion
            case .noNode: return .noNode
            case .nodeExists: return .nodeExists
            default: return .other(zooKeeperError.description)
            }
        }
        return .other("\(error)")
    }
}

extension BlockingBridge {
    /// Identity helper so fenced bodies read as one blocking call.
    static func runAsync<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T { try run(body) }
}
