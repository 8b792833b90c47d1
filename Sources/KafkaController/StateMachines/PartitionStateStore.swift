import KafkaModel

/// Why one partition's state znode could not be read or written.
public enum PartitionStateStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The compare-and-set version did not match (`BADVERSION`): someone else wrote the znode since it was
    /// read. The state machines re-read and retry such partitions.
    case badVersion
    /// The znode (or its parent) does not exist (`NONODE`).
    case noNode
    /// The znode already exists (`NODEEXISTS`), for creates.
    case nodeExists
    /// Any other ZooKeeper or decoding failure.
    case other(String)

    public var description: String {
        switch self {
        case .badVersion: "BADVERSION"
        case .noNode: "NONODE"
        case .nodeExists: "NODEEXISTS"
        case .other(let message): message
        }
    }
}

/// The partition state znodes (`/brokers/topics/<t>/partitions/<p>/state`) as the state machines need them:
/// the seam between the pure core and ZooKeeper. The shell implements it with pipelined ZooKeeper requests
/// (Kafka's `KafkaZkClient.getTopicPartitionStatesRaw`, `createTopicPartitionStatesRaw`,
/// `updateLeaderAndIsr`); tests use an in-memory fake.
///
/// Threading contract: called only on the controller event thread; calls block until ZooKeeper answered.
/// Writes are fenced by the controller epoch's zkVersion (`multi[check(/controller_epoch), op]`): when that
/// check fails, implementations throw ``ControllerError`` with code ``ControllerError/Code/controllerMoved``,
/// which the state machines let propagate (the controller must resign). Any other thrown error fails every
/// partition of the call.
public protocol PartitionStateStore: AnyObject {
    /// Reads the state znodes. Per partition: the decoded state (its `LeaderAndISR.zkVersion` is the znode
    /// version, the CAS token for the next write), `nil` if the znode does not exist, or an error.
    func partitionStates(
        _ partitions: [TopicPartition]
    ) throws -> [TopicPartition: Result<LeaderISRAndControllerEpoch?, PartitionStateStoreError>]

    /// Creates the state znodes (and their `partitions` / `partitions/<p>` parents, ignoring `NODEEXISTS` on
    /// those). Per partition: the new znode's version, or an error.
    func createPartitionStates(
        _ states: [TopicPartition: LeaderISRAndControllerEpoch], expectedControllerEpochZKVersion: Int32
    ) throws -> [TopicPartition: Result<Int32, PartitionStateStoreError>]

    /// Writes new leader and ISR values with compare-and-set on each `LeaderAndISR.zkVersion`, storing
    /// `controllerEpoch` as `controller_epoch`. Per partition: the written state with its new zkVersion, or an
    /// error (``PartitionStateStoreError/badVersion`` means "re-read and retry").
    func updateLeaderAndISR(
        _ leaderAndISRs: [TopicPartition: LeaderAndISR], controllerEpoch: Int32, expectedControllerEpochZKVersion: Int32
    ) throws -> [TopicPartition: Result<LeaderAndISR, PartitionStateStoreError>]

    /// The effective `unclean.leader.election.enable` of each topic (topic override over the broker default).
    /// A topic missing from the result could not be read; its leaderless partitions are not elected.
    func uncleanLeaderElectionEnabled(topics: Set<String>) throws -> [String: Bool]
}

extension PartitionStateStore {
    /// The states a first read–write round starts from: those the context holds (read by the context
    /// initialisation or written by this controller, each with its znode version), read from ZooKeeper only
    /// for partitions the context has none for.
    ///
    /// Kafka 2.8's `doElectLeaderForPartitions` and `doRemoveReplicasFromIsr` read every partition afresh
    /// before each round, so a failover read all N states twice more after loading them. Every write here is
    /// a compare-and-set on the zkVersion the state came with, so a stale cached state is caught by ZooKeeper
    /// (`BADVERSION`, also after a newer controller wrote the znode), and the retry rounds read those
    /// partitions afresh, as Kafka does: the outcome is Kafka's, with about one read per partition fewer.
    func partitionStates(
        _ partitions: [TopicPartition], cachedIn context: ControllerContext
    ) throws -> [TopicPartition: Result<LeaderISRAndControllerEpoch?, PartitionStateStoreError>] {
        var states: [TopicPartition: Result<LeaderISRAndControllerEpoch?, PartitionStateStoreError>] = [:]
        states.reserveCapacity(partitions.count)
        var unknown: [TopicPartition] = []
        for partition in partitions {
            if let cached = context.partitionLeadershipInfo[partition] {
                states[partition] = .success(cached)
            } else {
                unknown.append(partition)
            }
        }
        if !unknown.isEmpty {
            for (partition, state) in try partitionStates(unknown) { states[partition] = state }
        }
        return states
    }
}
