import KafkaController
import KafkaModel

/// The partition state znodes in memory, fenced like the real store: a write whose expected `/controller_epoch`
/// version is not the fake ZooKeeper's throws `controllerMoved`; updates are compare-and-set on the zkVersion.
final class InMemoryPartitionStates: PartitionStateStore {
    var states: [TopicPartition: LeaderISRAndControllerEpoch] = [:]
    let zooKeeper: InMemoryControllerZooKeeper

    init(zooKeeper: InMemoryControllerZooKeeper) { self.zooKeeper = zooKeeper }

    /// A broker (the leader) wrote a new ISR, bumping the znode version.
    func leaderWritesISR(_ partition: TopicPartition, _ isr: [BrokerID]) {
        states[partition]!.leaderAndISR.isr = isr
        states[partition]!.leaderAndISR.zkVersion += 1
    }

    func partitionStates(_ partitions: [TopicPartition]) throws -> [TopicPartition: Result<LeaderISRAndControllerEpoch?, PartitionStateStoreError>] {
        Dictionary(uniqueKeysWithValues: partitions.map { ($0, .success(states[$0])) })
    }

    func createPartitionStates(
        _ states: [TopicPartition: LeaderISRAndControllerEpoch], expectedControllerEpochZKVersion: Int32
    ) throws -> [TopicPartition: Result<Int32, PartitionStateStoreError>] {
        try fence(expectedControllerEpochZKVersion)
        var result: [TopicPartition: Result<Int32, PartitionStateStoreError>] = [:]
        for (partition, state) in states {
            guard self.states[partition] == nil else {
                result[partition] = .failure(.nodeExists)
                continue
            }
            var stored = state
            stored.leaderAndISR.zkVersion = 0
            self.states[partition] = stored
            result[partition] = .success(0)
        }
        return result
    }

    func updateLeaderAndISR(
        _ leaderAndISRs: [TopicPartition: LeaderAndISR], controllerEpoch: Int32, expectedControllerEpochZKVersion: Int32
    ) throws -> [TopicPartition: Result<LeaderAndISR, PartitionStateStoreError>] {
        try fence(expectedControllerEpochZKVersion)
        var result: [TopicPartition: Result<LeaderAndISR, PartitionStateStoreError>] = [:]
        for (partition, leaderAndISR) in leaderAndISRs {
            guard let stored = states[partition] else {
                result[partition] = .failure(.noNode)
                continue
            }
            guard stored.leaderAndISR.zkVersion == leaderAndISR.zkVersion else {
                result[partition] = .failure(.badVersion)
                continue
            }
            var written = leaderAndISR
            written.zkVersion += 1
            states[partition] = LeaderISRAndControllerEpoch(leaderAndISR: written, controllerEpoch: controllerEpoch)
            result[partition] = .success(written)
        }
        return result
    }

    func uncleanLeaderElectionEnabled(topics: Set<String>) throws -> [String: Bool] {
        Dictionary(uniqueKeysWithValues: topics.map { ($0, false) })
    }

    private func fence(_ expected: Int32) throws {
        guard expected == zooKeeper.controllerEpochZKVersion else {
            throw ControllerError(.controllerMoved, "controller epoch znode version moved")
        }
    }
}
