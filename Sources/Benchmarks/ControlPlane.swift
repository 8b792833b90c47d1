import Foundation
import KafkaModel
import LocalCluster

/// What differs between ZooKeeper mode and KRaft mode in the controller scenarios
/// (`ControllerBenchmarkRun`): how topics are created, who the active controller is, how a dead
/// broker or controller is noticed. Everything else — the scenario steps, the victims, the
/// brokers' metadata caches as the finish line, memory — is shared, so both modes run identical work.
protocol ControlPlane: Sendable {
    var mode: ClusterMode { get }
    /// ZooKeeper mode's controller is one of the brokers (scenarios then kill other brokers);
    /// KRaft's controllers are processes of their own.
    var controllerIsBroker: Bool { get }

    /// Creates the topics with exactly these replica assignments (ZooKeeper mode: the topic
    /// znodes, as Kafka 2.8's admin tools write them; KRaft: CreateTopics with manual assignments).
    func createTopics(_ topics: [(topic: String, partitions: [Int32: ReplicaAssignment])], through brokers: [BrokerMetadataProbe.Broker]) async throws

    /// The active controller's id (a broker id in ZooKeeper mode, a controller node id in KRaft).
    func activeController(timeout: Duration) async throws -> Int

    /// The cluster member to kill to kill controller `id`.
    func member(ofController id: Int) -> ClusterMember

    /// Waits until the control plane has noticed that `broker` is dead (ZooKeeper mode:
    /// `/brokers/ids/N` gone at session expiry; KRaft: the broker fenced at broker session expiry,
    /// i.e. gone from a live broker's metadata); returns the wall-clock ms it was first seen.
    func waitForBrokerDetection(_ broker: BrokerID, survivors: [BrokerMetadataProbe.Broker], timeout: Duration) async throws -> Int64

    /// Waits for a controller other than `old` to be active. `detectedAt` is when the loss of `old` was
    /// first seen (ZooKeeper: `/controller` gone; KRaft: a voter left following `old`), `electedAt`
    /// when the new one was.
    func waitForNewController(replacing old: Int, timeout: Duration) async throws -> (detectedAt: Int64, electedAt: Int64, id: Int)

    /// `controller-trace.jsonl` of controller `id`, or nil when it writes none.
    func tracePath(ofController id: Int) throws -> String?

    /// A failover step's cost as the new controller's log states it ("<marker>X ms", e.g. ZooKeeper mode's
    /// "Initialized controller context in X ms"); nil when the mode has no such step (KRaft standbys are hot).
    func logTiming(_ marker: String, ofController id: Int, logOffsets: [Int: Int]) throws -> Int?

    /// ZooKeeper mode: the ensemble's bound for a failover, measured on the populated tree now (`FailoverEnsembleBound`);
    /// nil in KRaft mode (its standbys do not read the metadata at failover).
    func measureFailoverBound(partitions: [TopicPartition]) async throws -> FailoverEnsembleBound?

    /// ZooKeeper mode: the partition states the new controller's failover wrote, from its log; nil in KRaft mode.
    func failoverWrites(ofController id: Int, logOffsets: [Int: Int]) throws -> Int?

    /// Whether a broker's Metadata answer is current after a controller failover to `newController`.
    func metadataIsCurrent(controllerID answered: Int32, newController: Int) -> Bool

    /// Every process whose peak memory counts as a controller's.
    func controllerProcesses() throws -> [(id: Int, pid: Int32)]

    func close() async
}
