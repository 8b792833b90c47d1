import KafkaController
import KafkaModel

/// An in-memory stand-in for the partition state znodes: versions start at 0 on create and grow by one per
/// write, CAS is checked, and every call is recorded. Faults can be injected per partition.
final class InMemoryPartitionStateStore: PartitionStateStore {
    /// The znodes: partition → (stored state, version). The stored `LeaderAndISR.zkVersion` equals the version.
    var states: [TopicPartition: LeaderISRAndControllerEpoch] = [:]
    /// Topic → effective `unclean.leader.election.enable`; topics missing here fail the config read.
    var uncleanLeaderElection: [String: Bool] = [:]
    /// Default for topics not in `uncleanLeaderElection` (nil: the read fails for them).
    var defaultUncleanLeaderElection: Bool? = false
    /// Number of upcoming CAS writes per partition that must fail with BADVERSION (someone else wrote first).
    var concurrentWritesBeforeNextUpdate: [TopicPartition: Int] = [:]
    /// Partitions whose writes fail with this error.
    var writeErrors: [TopicPartition: PartitionStateStoreError] = [:]
    /// When set, every write throws this (e.g. controllerMoved).
    var thrownOnWrite: ControllerError?

    private(set) var readCalls: [[TopicPartition]] = []
    private(set) var createCalls: [[TopicPartition]] = []
    private(set) var updateCalls: [[TopicPartition: LeaderAndISR]] = []

    /// Seeds a znode as if a controller with `controllerEpoch` had written it.
    func seed(_ partition: TopicPartition, leader: BrokerID, isr: [BrokerID], leaderEpoch: Int32 = 0, zkVersion: Int32 = 0, controllerEpoch: Int32 = 1) {
        states[partition] = LeaderISRAndControllerEpoch(
            leaderAndISR: LeaderAndISR(leader: leader, leaderEpoch: leaderEpoch, isr: isr, zkVersion: zkVersion),
            controllerEpoch: controllerEpoch)
    }

    func partitionStates(_ partitions: [TopicPartition]) throws -> [TopicPartition: Result<LeaderISRAndControllerEpoch?, PartitionStateStoreError>] {
        readCalls.append(partitions)
        var result: [TopicPartition: Result<LeaderISRAndControllerEpoch?, PartitionStateStoreError>] = [:]
        for partition in partitions { result[partition] = .success(states[partition]) }
        return result
    }

    func createPartitionStates(_ states: [TopicPartition: LeaderISRAndControllerEpoch], expectedControllerEpochZKVersion: Int32) throws -> [TopicPartition: Result<Int32, PartitionStateStoreError>] {
        if let thrownOnWrite { throw thrownOnWrite }
        createCalls.append(states.keys.sorted())
        var result: [TopicPartition: Result<Int32, PartitionStateStoreError>] = [:]
        for (partition, state) in states {
            if let error = writeErrors[partition] {
                result[partition] = .failure(error)
            } else if self.states[partition] != nil {
                result[partition] = .failure(.nodeExists)
            } else {
                var stored = state
                stored.leaderAndISR.zkVersion = 0
                self.states[partition] = stored
                result[partition] = .success(0)
            }
        }
        return result
    }

    func updateLeaderAndISR(_ leaderAndISRs: [TopicPartition: LeaderAndISR], controllerEpoch: Int32, expectedControllerEpochZKVersion: Int32) throws -> [TopicPartition: Result<LeaderAndISR, PartitionStateStoreError>] {
        if let thrownOnWrite { throw thrownOnWrite }
        updateCalls.append(leaderAndISRs)
        var result: [TopicPartition: Result<LeaderAndISR, PartitionStateStoreError>] = [:]
        for (partition, leaderAndISR) in leaderAndISRs {
            if let error = writeErrors[partition] {
                result[partition] = .failure(error)
                continue
            }
            guard var stored = states[partition] else {
                result[partition] = .failure(.noNode)
                continue
            }
            if let pending = concurrentWritesBeforeNextUpdate[partition], pending > 0 {
                // Someone else (a leader shrinking its ISR) wrote first: bump the version, fail the CAS.
                concurrentWritesBeforeNextUpdate[partition] = pending - 1
                stored.leaderAndISR.zkVersion += 1
                states[partition] = stored
            }
            guard stored.leaderAndISR.zkVersion == leaderAndISR.zkVersion else {
                result[partition] = .failure(.badVersion)
                continue
            }
            var written = leaderAndISR
            written.zkVersion = stored.leaderAndISR.zkVersion + 1
            states[partition] = LeaderISRAndControllerEpoch(leaderAndISR: written, controllerEpoch: controllerEpoch)
            result[partition] = .success(written)
        }
        return result
    }

    func uncleanLeaderElectionEnabled(topics: Set<String>) throws -> [String: Bool] {
        var result: [String: Bool] = [:]
        for topic in topics {
            if let value = uncleanLeaderElection[topic] ?? defaultUncleanLeaderElection { result[topic] = value }
        }
        return result
    }
}
